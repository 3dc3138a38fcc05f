package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The store contract on files, and what only files have: the layout, modes and folders. */
class FileStoreTest extends CertificateStoreContract {
  @TempDir Path root;

  @Override
  protected CertificateStore openStore(Clock clock, Duration lockTimeout) {
    return FileStore.builder().root(root).clock(clock).lockTimeout(lockTimeout).build();
  }

  @Test
  void versionLayoutAndPermissions() throws Exception {
    CertificateBundle b = ca.leaf(List.of("example.org", "www.example.org"));
    store().addVersion("example-org", b, "imported", Map.of("orderUrl", "https://ca/o/1"));

    Path dir = root.resolve("certs/example-org/versions/1");
    for (String f : List.of("cert.pem", "chain.pem", "fullchain.pem", "key.pem", "meta.json")) {
      assertThat(dir.resolve(f)).isRegularFile();
    }
    assertThat(perms(dir.resolve("key.pem"))).isEqualTo("rw-------");
    for (Path d : List.of(root.resolve("certs"), root.resolve("certs/example-org"), root.resolve("certs/example-org/versions"), dir)) {
      assertThat(perms(d)).as(d.toString()).isEqualTo("rwx------");
    }
    assertThat(Files.readString(root.resolve("certs/example-org/current")).strip()).isEqualTo("1");
    String meta = Files.readString(dir.resolve("meta.json"));
    assertThat(meta).contains("\"notAfter\" : \"" + b.notAfter() + "\"").contains("\"storedAt\" : \"2026-01-02T03:04:05Z\"")
        .doesNotContain("PRIVATE");
    assertThat(Files.readString(dir.resolve("fullchain.pem")))
        .isEqualTo(Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("chain.pem")));
  }

  @Test
  void newVersionsNeverRewriteOldFiles() throws Exception {
    store().addVersion("a", ca.leaf(List.of("a.example")), "acme", Map.of());
    byte[] before = Files.readAllBytes(root.resolve("certs/a/versions/1/cert.pem"));
    store().addVersion("a", ca.leaf(List.of("a.example")), "acme", Map.of());
    assertThat(Files.readAllBytes(root.resolve("certs/a/versions/1/cert.pem"))).isEqualTo(before);
  }

  @Test
  void leafIssuedByARootHasAnEmptyChainFile() throws Exception {
    store().addVersion("intranet", TestPki.root("Internal Root").leaf(List.of("intranet.example")), "local", Map.of());
    assertThat(Files.size(root.resolve("certs/intranet/versions/1/chain.pem"))).isZero();
  }

  @Test
  void keyFilesAreReadableByTheOwnerOnly() throws Exception {
    CertificateStore store = store();
    store.savePendingKey("shop", KeyType.RSA_2048.generate().getPrivate());
    store.saveState("shop", sampleState());
    assertThat(perms(root.resolve("certs/shop/pending-key.pem"))).isEqualTo("rw-------");
    assertThat(Files.readString(root.resolve("certs/shop/state.json"))).contains("\"2026-03-01T00:00:00Z\"");
    store.clearPendingKey("shop");
    assertThat(root.resolve("certs/shop/pending-key.pem")).doesNotExist();

    KeyPair kp = KeyType.EC_P256.generate();
    store.saveAccount(new StoredAccount(URI.create("https://127.0.0.1:14000/dir"), "default", kp,
        URI.create("https://127.0.0.1:14000/acct/1")));
    Path accountDir = root.resolve("accounts/127.0.0.1_14000/default");
    assertThat(perms(accountDir.resolve("account-key.pem"))).isEqualTo("rw-------");
    assertThat(perms(accountDir)).isEqualTo("rwx------");
    TestPki.Ca localCa = TestPki.root("Certferry Local CA");
    store.saveLocalCa(new LocalCaMaterial(localCa.certificate(), localCa.privateKey()));
    assertThat(perms(root.resolve("local-ca/ca-key.pem"))).isEqualTo("rw-------");
  }

  @Test
  void createsTheStoreFolderAndMissingParentsOnFirstWrite() throws Exception {
    Path deep = root.resolve("a/b/store");
    FileStore.open(deep).saveSpec(new LineageSpec("x", List.of("x.example"), "imported", "ec-p256", null, null));
    assertThat(perms(deep)).isEqualTo("rwx------");
    assertThat(FileStore.open(deep).spec("x")).isPresent();
    Path file = Files.writeString(root.resolve("plain-file"), "x");
    assertThatThrownBy(() -> FileStore.open(file)).isInstanceOf(StoreException.class).hasMessageContaining("is not a folder");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", "Upper", "-dash", ".hidden", "a b", "x\u0000y"})
  void badNamesNeverTouchTheDisk(String bad) throws Exception {
    CertificateStore store = store();
    assertThatThrownBy(() -> store.saveSpec(new LineageSpec(bad, List.of("x.example"), "imported", "ec-p256", null, null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.lock(bad)).isInstanceOf(IllegalArgumentException.class);
    try (Stream<Path> s = Files.list(root)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void goodNamesAreAccepted() {
    for (String ok : List.of("a", "example.org", "www_example-org.2", "0", "a23456789012345678901234567890123456789012345678901234567890123")) {
      assertThat(FileStore.checkName(ok)).isEqualTo(ok);
    }
  }

  static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
