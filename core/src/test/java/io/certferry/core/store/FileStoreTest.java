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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FileStoreTest {
  static TestPki.Ca ca;
  @TempDir Path root;

  @BeforeAll
  static void pki() {
    ca = TestPki.root("USERTrust RSA Certification Authority").intermediate("Sectigo RSA Domain Validation Secure Server CA");
  }

  private FileStore store() {
    return FileStore.builder().root(root).clock(Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC)).build();
  }

  @Test
  void versionRoundTripsWithLayoutAndPermissions() throws Exception {
    FileStore store = store();
    CertificateBundle b = ca.leaf(List.of("example.org", "www.example.org"));
    StoredVersion v = store.addVersion("example-org", b, "imported", Map.of("orderUrl", "https://ca/o/1"));

    assertThat(v.number()).isEqualTo(1);
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

    FileStore fresh = FileStore.open(root);
    assertThat(fresh.names()).containsExactly("example-org");
    StoredVersion cur = fresh.current("example-org").orElseThrow();
    assertThat(cur).isEqualTo(v);
    assertThat(cur.sha256()).isEqualTo(b.sha256());
    assertThat(cur.domains()).containsExactly("example.org", "www.example.org");
    CertificateBundle loaded = fresh.load("example-org", 1);
    assertThat(loaded.leaf()).isEqualTo(b.leaf());
    assertThat(loaded.chain()).isEqualTo(b.chain());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(b.privateKey().getEncoded());
    assertThat(Files.readString(dir.resolve("fullchain.pem")))
        .isEqualTo(Files.readString(dir.resolve("cert.pem")) + Files.readString(dir.resolve("chain.pem")));
  }

  @Test
  void newVersionsNeverRewriteOldOnes() throws Exception {
    FileStore store = store();
    CertificateBundle one = ca.leaf(List.of("a.example"));
    CertificateBundle two = ca.leaf(List.of("a.example"));
    store.addVersion("a", one, "acme", Map.of());
    byte[] before = Files.readAllBytes(root.resolve("certs/a/versions/1/cert.pem"));
    store.addVersion("a", two, "acme", Map.of());
    assertThat(Files.readAllBytes(root.resolve("certs/a/versions/1/cert.pem"))).isEqualTo(before);
    assertThat(store.versions("a")).extracting(StoredVersion::number).containsExactly(1, 2);
    assertThat(store.current("a").orElseThrow().sha256()).isEqualTo(two.sha256());
    assertThat(store.load("a", 1).sha256()).isEqualTo(one.sha256());
  }

  @Test
  void leafIssuedByARootHasAnEmptyChain() throws Exception {
    CertificateBundle b = TestPki.root("Internal Root").leaf(List.of("intranet.example"));
    assertThat(b.chain()).isEmpty();
    FileStore store = store();
    store.addVersion("intranet", b, "local", Map.of());
    assertThat(Files.size(root.resolve("certs/intranet/versions/1/chain.pem"))).isZero();
    CertificateBundle back = FileStore.open(root).load("intranet", 1);
    assertThat(back.chain()).isEmpty();
    assertThat(back.sha256()).isEqualTo(b.sha256());
  }

  @Test
  void specStateDeploymentsPendingKeyRoundTrip() throws Exception {
    FileStore store = store();
    LineageSpec spec = new LineageSpec("shop", List.of("shop.example"), "imported", "ec-p256", Map.of("k", "v"), List.of("lb"));
    store.saveSpec(spec);
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    Deployments d = Deployments.empty().with(new TargetDeployment("lb", "ab", t, TargetDeployment.Result.IN_SYNC, 0, null, null, null));
    store.saveDeployments("shop", d);
    LineageState st = LineageState.empty().withNoOrderBefore(t)
        .withFailure(new LineageState.Failure("validation-failed", 2, t, t, "validation failed"))
        .withPlan(new LineageState.Plan("ab", t, "lifetime", "a third of the 90-day lifetime left"))
        .withAri(new LineageState.Ari("id.1", t, t.plusSeconds(60), t, t, null, null))
        .withNextDue(t).withAlerts(Map.of("alert", "7"));
    store.saveState("shop", st);
    KeyPair kp = KeyType.RSA_2048.generate();
    store.savePendingKey("shop", kp.getPrivate());

    FileStore fresh = FileStore.open(root);
    assertThat(fresh.spec("shop")).contains(spec);
    assertThat(fresh.deployments("shop")).isEqualTo(d);
    assertThat(fresh.state("shop")).isEqualTo(st);
    assertThat(fresh.pendingKey("shop").orElseThrow().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(perms(root.resolve("certs/shop/pending-key.pem"))).isEqualTo("rw-------");
    assertThat(Files.readString(root.resolve("certs/shop/state.json"))).contains("\"2026-03-01T00:00:00Z\"");
    assertThat(fresh.current("shop")).isEmpty();
    assertThat(fresh.names()).containsExactly("shop");

    fresh.clearPendingKey("shop");
    assertThat(fresh.pendingKey("shop")).isEmpty();
    assertThat(root.resolve("certs/shop/pending-key.pem")).doesNotExist();
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

  @Test
  void emptyStoreReadsAsEmpty() {
    FileStore store = store();
    assertThat(store.names()).isEmpty();
    assertThat(store.current("x")).isEmpty();
    assertThat(store.versions("x")).isEmpty();
    assertThat(store.spec("x")).isEmpty();
    assertThat(store.deployments("x")).isEqualTo(Deployments.empty());
    assertThat(store.state("x")).isEqualTo(LineageState.empty());
    assertThatThrownBy(() -> store.load("x", 1)).isInstanceOf(StoreException.class).hasMessageContaining("'x' has no version 1");
  }

  @Test
  void accountsAndLocalCaKeepKeysSecret() throws Exception {
    FileStore store = store();
    KeyPair kp = KeyType.EC_P256.generate();
    URI dir = URI.create("https://127.0.0.1:14000/dir");
    store.saveAccount(new StoredAccount(dir, "default", kp, URI.create("https://127.0.0.1:14000/acct/1")));
    Path accountDir = root.resolve("accounts/127.0.0.1_14000/default");
    assertThat(perms(accountDir.resolve("account-key.pem"))).isEqualTo("rw-------");
    assertThat(perms(accountDir)).isEqualTo("rwx------");
    StoredAccount back = FileStore.open(root).account(dir, "default").orElseThrow();
    assertThat(back.keyPair().getPrivate().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(back.keyPair().getPublic()).isEqualTo(kp.getPublic());
    assertThat(back.accountUrl()).hasToString("https://127.0.0.1:14000/acct/1");
    assertThat(store.account(URI.create("https://acme-v02.api.letsencrypt.org/directory"), "default")).isEmpty();

    TestPki.Ca root = TestPki.root("Certferry Local CA");
    store.saveLocalCa(new LocalCaMaterial(root.certificate(), root.privateKey()));
    assertThat(perms(this.root.resolve("local-ca/ca-key.pem"))).isEqualTo("rw-------");
    LocalCaMaterial lc = FileStore.open(this.root).localCa().orElseThrow();
    assertThat(lc.certificate()).isEqualTo(root.certificate());
    assertThat(lc.privateKey().getEncoded()).isEqualTo(root.privateKey().getEncoded());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", "Upper", "-dash", ".hidden", "a b", "x\u0000y",
      "a2345678901234567890123456789012345678901234567890123456789012345"})
  void badNamesAreRefusedBeforeTouchingTheDisk(String bad) throws Exception {
    FileStore store = store();
    assertThatThrownBy(() -> store.saveSpec(new LineageSpec(bad, List.of("x.example"), "imported", "ec-p256", null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid lineage name").hasMessageContaining("a-z, 0-9");
    assertThatThrownBy(() -> store.current(bad)).isInstanceOf(IllegalArgumentException.class);
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
