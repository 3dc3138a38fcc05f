package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoreException;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keys at rest: what a dump of the database holds, a wrong key-encryption key, swapped rows, rotation. */
class PostgresKeysTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();
  static TestPki.Ca ca;
  private static final URI DIR = URI.create("https://acme.example/directory");
  private final List<PrivateKey> keys = new ArrayList<>();
  private CertificateBundle v1;

  @BeforeAll
  static void start() throws IOException {
    ca = TestPki.root("Keys Test Root").intermediate("Keys Test CA");
  }

  private PostgresStore open(KeyEncryptionKey kek) {
    PostgresStore s = pg.builder().keyEncryptionKey(kek).build();
    pg.closeAfter(s);
    return s;
  }

  /** One key of every kind the store seals: two versions, a pending key (RSA), an order key, an account, the local CA. */
  private void fill(PostgresStore s) {
    v1 = ca.leaf(List.of("shop.example"));
    TestPki.Ca localCa = TestPki.root("Certferry Local CA");
    KeyPair account = KeyType.EC_P256.generate();
    PrivateKey pending = KeyType.RSA_2048.generate().getPrivate();
    KeyPair orderKey = KeyType.EC_P384.generate();
    CertificateBundle blog = ca.leaf(List.of("blog.example"));
    s.addVersion("shop", v1, "acme", Map.of());
    s.addVersion("blog", blog, "acme", Map.of());
    s.savePendingKey("csr", pending);
    s.savePendingOrder("blog", new PendingOrder(DIR, "default", URI.create("https://acme.example/order/1"), orderKey,
        Instant.parse("2026-01-01T00:00:00Z"), List.of("blog.example")));
    s.saveAccount(new StoredAccount(DIR, "default", account, URI.create("https://acme.example/acct/1")));
    s.saveLocalCa(new LocalCaMaterial(localCa.certificate(), localCa.privateKey()));
    keys.addAll(List.of(v1.privateKey(), blog.privateKey(), pending, orderKey.getPrivate(), account.getPrivate(),
        localCa.privateKey()));
  }

  @Test
  void aDumpOfTheDatabaseHoldsNoPrivateKeyInAnyEncoding() throws Exception {
    PostgresStore s = open(PostgresStores.KEK);
    fill(s);
    String dump = pg.server().dump(pg.database());

    assertThat(dump).contains("COPY public.certferry_version").contains(PostgresStores.KEK.id());
    // The scan finds what is there: the certificate's PEM lines and DER in hex are in the dump.
    assertThat(forms(v1.leaf().getEncoded())).anyMatch(dump::contains);
    for (PrivateKey k : keys) {
      for (String form : keyForms(k)) {
        assertThat(dump).as("a form of a %s private key", k.getAlgorithm()).doesNotContain(form);
      }
    }
    assertThat(dump).doesNotContain("PRIVATE KEY");
    for (String form : forms(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"))) {
      assertThat(dump).as("the key-encryption key").doesNotContain(form);
    }
  }

  @Test
  void aWrongKeyEncryptionKeyIsRefusedWhenTheStoreOpensNamingBothKeyIds() {
    fill(open(PostgresStores.KEK));
    assertThatThrownBy(() -> open(PostgresStores.OTHER_KEK)).isInstanceOf(StoreException.class)
        .hasMessageContaining("is sealed under key-encryption key " + PostgresStores.KEK.id())
        .hasMessageContaining("but keyEncryptionKey is key " + PostgresStores.OTHER_KEK.id())
        .hasMessageContaining("configure the key the store was sealed with")
        .hasMessageNotContaining("000102030405");
  }

  @Test
  void aSealedKeyCopiedIntoAnotherRowDoesNotOpenThere() throws Exception {
    PostgresStore s = open(PostgresStores.KEK);
    fill(s);
    sql("UPDATE certferry_version SET key_sealed = (SELECT key_sealed FROM certferry_version WHERE lineage = 'shop') "
        + "WHERE lineage = 'blog'");
    assertThatThrownBy(() -> s.load("blog", 1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("the private key of lineage 'blog' version 1 does not open under key-encryption key "
            + PostgresStores.KEK.id() + ": the sealed bytes were altered or copied from another row");
    sql("UPDATE certferry_lineage SET pending_key = (SELECT order_key FROM certferry_lineage WHERE name = 'blog'), "
        + "pending_key_kek = (SELECT order_key_kek FROM certferry_lineage WHERE name = 'blog') WHERE name = 'csr'");
    assertThatThrownBy(() -> s.pendingKey("csr")).isInstanceOf(StoreException.class)
        .hasMessageContaining("the pending key of lineage 'csr' does not open");
    assertThat(s.load("shop", 1).privateKey()).isEqualTo(v1.privateKey());
  }

  @Test
  void rotationReSealsEveryRowAndTheOldKeyOpensNoneOfThem() throws Exception {
    PostgresStore s = open(PostgresStores.KEK);
    fill(s);
    PostgresStore stale = open(PostgresStores.KEK); // an agent not yet told about the new key

    assertThat(s.rotate(PostgresStores.OTHER_KEK)).isEqualTo(6);

    assertThat(keyIds()).containsExactly(PostgresStores.OTHER_KEK.id());
    assertThat(s.keyEncryptionKeyId()).isEqualTo(PostgresStores.OTHER_KEK.id());
    PostgresStore fresh = open(PostgresStores.OTHER_KEK);
    assertThat(List.of(fresh.load("shop", 1).privateKey(), fresh.load("blog", 1).privateKey(),
        fresh.pendingKey("csr").orElseThrow(), fresh.pendingOrder("blog").orElseThrow().key().getPrivate(),
        fresh.account(DIR, "default").orElseThrow().keyPair().getPrivate(), fresh.localCa().orElseThrow().privateKey()))
        .isEqualTo(keys);

    assertThatThrownBy(() -> open(PostgresStores.KEK)).isInstanceOf(StoreException.class)
        .hasMessageContaining("sealed under key-encryption key " + PostgresStores.OTHER_KEK.id());
    assertThatThrownBy(() -> stale.load("shop", 1)).isInstanceOf(StoreException.class)
        .hasMessageContaining("is sealed under key-encryption key " + PostgresStores.OTHER_KEK.id()
            + ", but this store is configured with key " + PostgresStores.KEK.id());
    // Even told the row's key id, the old key does not open what the new one sealed.
    byte[] sealed = firstSealedVersionKey();
    assertThatThrownBy(() -> new KeySealer(PostgresStores.KEK).open(sealed, PostgresStores.KEK.id(),
        KeyVault.versionRow("blog", 1), "the key")).isInstanceOf(StoreException.class).hasMessageContaining("does not open");
    // And the database refuses a key the stale agent seals under the old one.
    assertThatThrownBy(() -> stale.savePendingKey("late", KeyType.EC_P256.generate().getPrivate()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("key sealed under key-encryption key " + PostgresStores.KEK.id())
        .hasMessageContaining("configure this agent's keyEncryptionKey with the new key");
    assertThat(keyIds()).containsExactly(PostgresStores.OTHER_KEK.id());
  }

  /** The encodings a key could leak in: DER, PEM lines, the private scalar, each as hex and base64. */
  private static List<String> keyForms(PrivateKey k) {
    List<String> out = new ArrayList<>(forms(k.getEncoded()));
    BigInteger secret = k instanceof ECPrivateKey ec ? ec.getS() : ((RSAPrivateCrtKey) k).getPrivateExponent();
    byte[] scalar = secret.toByteArray();
    out.addAll(forms(scalar[0] == 0 ? Arrays.copyOfRange(scalar, 1, scalar.length) : scalar));
    return out;
  }

  private static List<String> forms(byte[] der) {
    String b64 = Base64.getEncoder().encodeToString(der);
    List<String> out = new ArrayList<>(List.of(HexFormat.of().formatHex(der), HexFormat.of().withUpperCase().formatHex(der),
        new String(der, StandardCharsets.ISO_8859_1)));
    for (int i = 0; i + 40 <= b64.length(); i += 64) {
      out.add(b64.substring(i, i + 40)); // PEM lines, and base64 anywhere
    }
    return out;
  }

  private Set<String> keyIds() throws SQLException {
    Set<String> ids = new TreeSet<>();
    for (String q : List.of("SELECT key_kek FROM certferry_version", "SELECT pending_key_kek FROM certferry_lineage "
        + "WHERE pending_key_kek IS NOT NULL", "SELECT order_key_kek FROM certferry_lineage WHERE order_key_kek IS NOT NULL",
        "SELECT key_kek FROM certferry_account", "SELECT key_kek FROM certferry_local_ca", "SELECT kek_id FROM certferry_store")) {
      try (Connection c = connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(q)) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  private byte[] firstSealedVersionKey() throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT key_sealed FROM certferry_version WHERE lineage = 'blog'")) {
      rs.next();
      return rs.getBytes(1);
    }
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = connect(); Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(pg.server().url(pg.database()), pg.server().user(), pg.server().password());
  }
}
