package io.certferry.provider.postgresql;

import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.StoreDocuments;
import io.certferry.core.store.StoreException;
import io.certferry.core.store.StoredAccount;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Where the keys are sealed: the store's key-encryption key (checked against the database when the store
 * opens), sealing and opening by row, the ACME accounts and the local CA, and {@link KeyRotation}.
 */
final class KeyVault {
  static final String CHECK_ROW = "kek-check";

  private final Database db;
  private volatile KeySealer sealer;

  KeyVault(Database db, KeyEncryptionKey kek) {
    this.db = db;
    this.sealer = new KeySealer(kek);
  }

  /** Row ids, bound into each sealed key's associated data. */
  static String versionRow(String lineage, int number) { return "version\n" + lineage + "\n" + number; }

  static String pendingKeyRow(String lineage) { return "pending-key\n" + lineage; }

  static String orderKeyRow(String lineage) { return "order-key\n" + lineage; }

  static String accountRow(String directory, String name) { return "account\n" + directory + "\n" + name; }

  static final String LOCAL_CA_ROW = "local-ca";

  String keyId() { return sealer.keyId(); }

  KeySealer sealer() { return sealer; }

  void use(KeyEncryptionKey kek) { this.sealer = new KeySealer(kek); }

  /** A sealed key and the id of the key-encryption key that sealed it, taken from one sealer. */
  record Sealed(byte[] bytes, String keyId) {}

  /** Seals a key for {@code row}; the bytes and the key id come from the same sealer, even during a rotation. */
  Sealed seal(PrivateKey key, String row) {
    KeySealer s = sealer;
    return new Sealed(s.seal(StoreDocuments.privateKeyPem(key).getBytes(StandardCharsets.US_ASCII), row), s.keyId());
  }

  PrivateKey open(byte[] sealed, String sealedWith, String row, String what) {
    return sealer.openAndUse(sealed, sealedWith, row, what, pem -> StoreDocuments.privateKey(pem, what));
  }

  /**
   * Refuses a key-encryption key other than the one the database's keys are sealed under, naming both
   * ids; on a new database, records this key's id.
   */
  void checkStore() {
    byte[] probe = new byte[32];
    new SecureRandom().nextBytes(probe);
    db.transaction("check the key-encryption key", c -> {
      Database.update(c, "INSERT INTO certferry_store (kek_id, kek_check) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
          keyId(), sealer.seal(probe, CHECK_ROW));
      Database.Row<Void> check = rs -> {
        String id = rs.getString(1);
        if (!id.equals(keyId())) {
          throw new StoreException("the store at " + db.server() + " is sealed under key-encryption key " + id
              + ", but keyEncryptionKey is key " + keyId() + "; configure the key the store was sealed with (after a "
              + "rotate-key: the new key)");
        }
        sealer.open(rs.getBytes(2), id, CHECK_ROW, "the store's key check (table certferry_store)");
        return null;
      };
      return Database.one(c, "SELECT kek_id, kek_check FROM certferry_store", check);
    });
  }

  // ---- ACME accounts and the local CA --------------------------------------------------------------

  Optional<StoredAccount> account(URI directory, String name) {
    String dir = directory.toString();
    String what = "the key of ACME account '" + name + "' at " + dir;
    return db.one("read ACME account '" + name + "'", "SELECT public_key_pem, key_sealed, key_kek, account_url "
        + "FROM certferry_account WHERE directory = ? AND name = ?", rs -> {
          KeyPair kp = new KeyPair(StoreDocuments.publicKey(rs.getString(1).getBytes(StandardCharsets.US_ASCII), what),
              open(rs.getBytes(2), rs.getString(3), accountRow(dir, name), what));
          String url = rs.getString(4);
          return new StoredAccount(directory, name, kp, url == null ? null : URI.create(url));
        }, dir, name);
  }

  void saveAccount(StoredAccount a) {
    String dir = a.directory().toString();
    Sealed key = seal(a.keyPair().getPrivate(), accountRow(dir, a.name()));
    db.update("save ACME account '" + a.name() + "'", "INSERT INTO certferry_account AS a (directory, name, "
        + "public_key_pem, key_sealed, key_kek, account_url) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (directory, name) "
        + "DO UPDATE SET public_key_pem = EXCLUDED.public_key_pem, key_sealed = EXCLUDED.key_sealed, "
        + "key_kek = EXCLUDED.key_kek, account_url = EXCLUDED.account_url",
        dir, a.name(), StoreDocuments.publicKeyPem(a.keyPair().getPublic()),
        key.bytes(), key.keyId(),
        a.accountUrl() == null ? null : a.accountUrl().toString());
  }

  Optional<LocalCaMaterial> localCa() {
    String what = "the local CA's key";
    return db.one("read the local CA", "SELECT cert_pem, key_sealed, key_kek FROM certferry_local_ca", rs -> {
      List<X509Certificate> cert = StoreDocuments.certificates(rs.getString(1), "the local CA's certificate");
      return new LocalCaMaterial(cert.get(0), open(rs.getBytes(2), rs.getString(3), LOCAL_CA_ROW, what));
    });
  }

  void saveLocalCa(LocalCaMaterial ca) {
    Sealed key = seal(ca.privateKey(), LOCAL_CA_ROW);
    db.update("save the local CA", "INSERT INTO certferry_local_ca (id, cert_pem, key_sealed, key_kek) "
        + "VALUES (true, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET cert_pem = EXCLUDED.cert_pem, "
        + "key_sealed = EXCLUDED.key_sealed, key_kek = EXCLUDED.key_kek",
        StoreDocuments.certificatesPem(List.of(ca.certificate())), key.bytes(), key.keyId());
  }
}
