package io.certferry.core.store;

import io.certferry.core.x509.PemWriter;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@link FileStore}'s files outside the lineages: ACME accounts ({@code accounts/<host>/<name>/}: the key
 * pair 0600 and the account URL, with a lock file for registration) and the local CA ({@code local-ca/}).
 */
final class AccountFiles {
  private final Path root;
  private final AtomicFiles files;
  private final Duration lockTimeout;

  AccountFiles(Path root, AtomicFiles files, Duration lockTimeout) {
    this.root = root;
    this.files = files;
    this.lockTimeout = lockTimeout;
  }

  CertificateStore.Lock lock(URI directory, String accountName) {
    Path dir = accountDir(directory, accountName);
    try {
      files.createDirectories(root, dir);
    } catch (IOException e) {
      throw new StoreException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return LineageLocks.acquire("ACME account '" + accountName + "'", null, dir.resolve(".lock"), lockTimeout);
  }

  Optional<StoredAccount> account(URI directory, String accountName) {
    Path dir = accountDir(directory, accountName);
    Path keyFile = dir.resolve("account-key.pem");
    if (!Files.exists(keyFile)) {
      return Optional.empty();
    }
    byte[] pem = FileStore.readBytes(keyFile);
    KeyPair kp = new KeyPair(StorePem.readPublicKey(pem, keyFile.toString()),
        StorePem.readPrivateKey(pem, keyFile.toString()));
    Path urlFile = dir.resolve("account-url");
    URI url = Files.exists(urlFile) ? URI.create(new String(FileStore.readBytes(urlFile), StandardCharsets.UTF_8).strip()) : null;
    return Optional.of(new StoredAccount(directory, accountName, kp, url));
  }

  void save(StoredAccount account) {
    Path dir = accountDir(account.directory(), account.name());
    try {
      files.createDirectories(root, dir);
      PublicKey pub = account.keyPair().getPublic();
      String pem = StorePem.privateKey(account.keyPair().getPrivate()) + PemWriter.publicKey(pub);
      files.write(dir.resolve("account-key.pem"), FileStore.ascii(pem), AtomicFiles.SECRET);
      if (account.accountUrl() != null) {
        files.write(dir.resolve("account-url"), (account.accountUrl() + "\n").getBytes(StandardCharsets.UTF_8),
            AtomicFiles.PUBLIC);
      }
    } catch (IOException e) {
      throw new StoreException("cannot save ACME account '" + account.name() + "' in " + dir + ": " + e.getMessage(), e);
    }
  }

  private Path accountDir(URI directory, String accountName) {
    FileStore.checkName(accountName);
    String host = directory.getHost();
    if (host == null) {
      throw new IllegalArgumentException("ACME directory " + directory + " has no host name");
    }
    String folder = host.toLowerCase(Locale.ROOT) + (directory.getPort() > 0 ? "_" + directory.getPort() : "");
    return root.resolve("accounts").resolve(FileStore.checkName(folder)).resolve(accountName);
  }

  Optional<LocalCaMaterial> localCa() {
    Path dir = root.resolve("local-ca");
    if (!Files.exists(dir.resolve("ca.pem"))) {
      return Optional.empty();
    }
    List<X509Certificate> cert = StorePem.readCertificates(FileStore.readBytes(dir.resolve("ca.pem")), dir + "/ca.pem");
    PrivateKey key = StorePem.readPrivateKey(FileStore.readBytes(dir.resolve("ca-key.pem")), dir + "/ca-key.pem");
    return Optional.of(new LocalCaMaterial(cert.get(0), key));
  }

  void saveLocalCa(LocalCaMaterial ca) {
    Path dir = root.resolve("local-ca");
    try {
      files.createDirectories(root, dir);
      // Key first: a certificate without its key would be useless, a key without a certificate is redone.
      files.write(dir.resolve("ca-key.pem"), FileStore.ascii(StorePem.privateKey(ca.privateKey())), AtomicFiles.SECRET);
      files.write(dir.resolve("ca.pem"), FileStore.ascii(StorePem.certificates(List.of(ca.certificate()))), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new StoreException("cannot save the local CA in " + dir + ": " + e.getMessage(), e);
    }
  }

}
