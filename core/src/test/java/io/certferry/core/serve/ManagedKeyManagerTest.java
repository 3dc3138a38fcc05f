package io.certferry.core.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertManager;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.acme.ChallengeSolver;
import io.certferry.core.issue.acme.PendingChallenge;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.testing.HandshakeLoop;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.TestPki;
import io.certferry.core.testing.TlsClient;
import io.certferry.core.x509.CertificateChecks;
import io.certferry.core.x509.KeyType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLHandshakeException;
import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedKeyManagerTest {
  static final TestPki.Ca CA = TestPki.root("Key Manager Test CA");
  final MemoryStore store = new MemoryStore();
  final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(c);
    return c;
  }

  private CertificateBundle add(String lineage, String... names) {
    CertificateBundle b = CA.leaf(List.of(names));
    store.saveSpec(new LineageSpec(lineage, List.of(names), "imported", KeyType.EC_P256.id(), Map.of(), List.of()));
    store.addVersion(lineage, b, "imported", Map.of());
    return b;
  }

  private AcceptingServer serve(ManagedKeyManager keys, String... protocols) throws Exception {
    return closing(AcceptingServer.start(keys.sslContext(), 0, protocols));
  }

  @Test
  void choosesTheExactNameThenAWildcardThenTheDefault() throws Exception {
    CertificateBundle www = add("www", "www.example.test");
    CertificateBundle apps = add("apps", "*.apps.example.test");
    CertificateBundle fallback = add("fallback", "fallback.example.test");
    CertificateBundle exactApp = add("billing", "billing.apps.example.test");
    ManagedKeyManager keys = ManagedKeyManager.builder(store).lineages(List.of("www", "apps", "fallback", "billing"))
        .defaultCertificate("fallback").build();
    AcceptingServer server = serve(keys);
    TlsClient anything = TlsClient.recordingAnything();

    assertThat(anything.leaf(server.port(), "www.example.test")).isEqualTo(www.leaf());
    assertThat(anything.leaf(server.port(), "WWW.Example.Test")).isEqualTo(www.leaf());
    assertThat(anything.leaf(server.port(), "shop.apps.example.test")).isEqualTo(apps.leaf());
    assertThat(anything.leaf(server.port(), "billing.apps.example.test")).as("an exact name beats a wildcard")
        .isEqualTo(exactApp.leaf());
    assertThat(anything.leaf(server.port(), "a.b.apps.example.test")).as("a wildcard covers one label only")
        .isEqualTo(fallback.leaf());
    assertThat(anything.leaf(server.port(), "other.example.test")).isEqualTo(fallback.leaf());
    assertThat(anything.leaf(server.port(), null)).as("no SNI").isEqualTo(fallback.leaf());
    // What a browser checks: the chosen chain verifies to the root and covers the name.
    assertThat(TlsClient.trusting(CA.certificate()).leaf(server.port(), "shop.apps.example.test")).isEqualTo(apps.leaf());
  }

  @Test
  void withoutADefaultANameNoCertificateCoversFailsTheHandshake() throws Exception {
    add("www", "www.example.test");
    ManagedKeyManager keys = ManagedKeyManager.builder(store).lineages(List.of("www")).build();
    AcceptingServer server = serve(keys);

    assertThatThrownBy(() -> TlsClient.recordingAnything().leaf(server.port(), "other.example.test"))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(TlsClient.recordingAnything().leaf(server.port(), "www.example.test").getSubjectX500Principal().getName())
        .isEqualTo("CN=www.example.test");
  }

  @Test
  void aDefaultOutsideTheServedLineagesIsRefused() {
    assertThatThrownBy(() -> ManagedKeyManager.builder(store).lineages(List.of("www")).defaultCertificate("site").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'site' is not among the served lineages [www]");
  }

  @Test
  void servesANewVersionTheMomentTheEngineStoresIt() throws Exception {
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("www").build();
    LocalCaIssuer ca = LocalCaIssuer.builder(store).hostName("test").create();
    CertManager manager = closing(CertManager.builder().store(store).listener(keys.listener())
        .certificate(ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(ca)).build());
    AcceptingServer server = serve(keys);
    TlsClient browser = TlsClient.trusting(ca.root().certificate());

    assertThatThrownBy(() -> browser.leaf(server.port(), "www.example.test")).as("nothing issued yet")
        .isInstanceOf(SSLHandshakeException.class);
    manager.issue("www");
    X509Certificate first = browser.leaf(server.port(), "www.example.test");
    assertThat(first.getSerialNumber().toString(16)).isEqualTo(store.current("www").orElseThrow().serial());

    manager.renew("www", true);
    X509Certificate second = browser.leaf(server.port(), "www.example.test");
    assertThat(second.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(second.getSerialNumber().toString(16)).isEqualTo(store.current("www").orElseThrow().serial());

    CertificateBundle bought = CA.leaf(List.of("www.example.test"));
    manager.importVersion("www", bought, Map.of());
    assertThat(TlsClient.recordingAnything().leaf(server.port(), "www.example.test")).isEqualTo(bought.leaf());
  }

  @Test
  void aHandshakeThatChoseAVersionGetsThatVersionsChainAndKeyAfterTheSwap() {
    CertificateBundle v1 = add("www", "www.example.test");
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("www").build();
    String chosen = keys.chooseEngineServerAlias("EC", null, null);

    CertificateBundle v2 = add("www", "www.example.test");
    keys.refresh();

    assertThat(keys.getCertificateChain(chosen)[0]).isEqualTo(v1.leaf());
    assertThat(CertificateChecks.keyMatches(v1.leaf().getPublicKey(), keys.getPrivateKey(chosen))).isTrue();
    String next = keys.chooseEngineServerAlias("EC", null, null);
    assertThat(keys.getCertificateChain(next)[0]).isEqualTo(v2.leaf());
    assertThat(keys.chooseEngineServerAlias("RSA", null, null)).as("an EC lineage serves no RSA handshake").isNull();

    // Replaced versions are let go after a few swaps: a server running for years holds no history.
    for (int i = 0; i < 3; i++) {
      add("www", "www.example.test");
      keys.refresh();
    }
    assertThat(keys.getCertificateChain(chosen)).isNull();
    assertThat(keys.getPrivateKey(chosen)).isNull();
  }

  @Test
  void refreshServesAVersionAnotherProcessStored(@TempDir Path dir) throws Exception {
    FileStore ours = FileStore.open(dir);
    CertificateBundle v1 = CA.leaf(List.of("www.example.test"));
    ours.addVersion("www", v1, "imported", Map.of());
    ManagedKeyManager keys = ManagedKeyManager.builder(ours).lineages(List.of("www")).build();
    assertThat(keys.serving("www").orElseThrow().sha256()).isEqualTo(v1.sha256());

    CertificateBundle v2 = CA.leaf(List.of("www.example.test"));
    FileStore.open(dir).addVersion("www", v2, "imported", Map.of());
    assertThat(keys.serving("www").orElseThrow().sha256()).as("no event reached this process").isEqualTo(v1.sha256());
    keys.refresh();
    assertThat(keys.serving("www").orElseThrow().sha256()).isEqualTo(v2.sha256());
  }

  @Test
  void aVersionThatCannotBeReadLeavesThePreviousOneServed(@TempDir Path dir) throws Exception {
    FileStore ours = FileStore.open(dir);
    CertificateBundle v1 = CA.leaf(List.of("www.example.test"));
    ours.addVersion("www", v1, "imported", Map.of());
    CertificateBundle other = CA.leaf(List.of("api.example.test"));
    ours.addVersion("api", other, "imported", Map.of());
    ManagedKeyManager keys = ManagedKeyManager.builder(ours).lineages(List.of("www", "api")).build();

    ours.addVersion("www", CA.leaf(List.of("www.example.test")), "imported", Map.of());
    Files.writeString(dir.resolve("certs/www/versions/2/key.pem"), "not a key");
    CertificateBundle api2 = CA.leaf(List.of("api.example.test"));
    ours.addVersion("api", api2, "imported", Map.of());
    keys.listener().notify(LifecycleEvent.of(LifecycleEvent.Type.RENEWED, Instant.now(), "www", "renewed version 2"));
    assertThat(keys.serving("www").orElseThrow().sha256()).as("the listener keeps serving what it had").isEqualTo(v1.sha256());

    assertThatThrownBy(keys::refresh).hasMessageContaining("key.pem");
    assertThat(keys.serving("www").orElseThrow().sha256()).isEqualTo(v1.sha256());
    assertThat(keys.serving("api").orElseThrow().sha256()).as("one broken lineage holds up no other").isEqualTo(api2.sha256());
  }

  @Test
  void eightThreadsShakingHandsSeeNoFailureAcrossTenSwaps() throws Exception {
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("www").build();
    LocalCaIssuer ca = LocalCaIssuer.builder(store).hostName("test").create();
    CertManager manager = closing(CertManager.builder().store(store).listener(keys.listener())
        .certificate(ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(ca)).build());
    manager.issue("www");
    AcceptingServer server = serve(keys);
    TlsClient browser = TlsClient.trusting(ca.root().certificate());
    Set<String> seen = ConcurrentHashMap.newKeySet();

    HandshakeLoop loop = closing(HandshakeLoop.start(8, (t, n) ->
        seen.add(browser.leaf(server.port(), "www.example.test").getSerialNumber().toString(16))));
    for (int i = 0; i < 10; i++) {
      long before = loop.awaitAtLeast(0, Duration.ZERO);
      manager.renew("www", true);
      loop.awaitAtLeast(before + 16, Duration.ofSeconds(30));
    }
    HandshakeLoop.Result result = loop.stop();
    System.out.println("ManagedKeyManager swap under load, 8 threads, 10 swaps: " + result);

    assertThat(result.failed()).as(result.toString()).isZero();
    assertThat(result.ok()).isGreaterThanOrEqualTo(160);
    assertThat(seen).as("handshakes saw the versions as they were swapped in").hasSizeGreaterThan(5)
        .contains(store.current("www").orElseThrow().serial());
  }

  @Test
  void anAcmeTls1HandshakeGetsTheValidationCertificateOnlyWhileTheChallengeIsPending() throws Exception {
    assertThat(Security.getProvider("BC")).as("Bouncy Castle registered before the test").isNull();
    CertificateBundle www = add("www", "www.example.test");
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("www").build();
    AcceptingServer server = serve(keys);
    TlsClient validator = TlsClient.recordingAnything();
    byte[] validation = MessageDigest.getInstance("SHA-256").digest("token.thumbprint".getBytes());
    List<String> acme = List.of(AcmeTlsAlpn.PROTOCOL);

    assertThatThrownBy(() -> validator.handshake(server.port(), "www.example.test", acme))
        .as("acme-tls/1 with no challenge pending never gets the site's certificate")
        .isInstanceOf(SSLHandshakeException.class);

    ChallengeSolver solver = keys.tlsAlpn01Solver();
    assertThat(solver.type()).isEqualTo("tls-alpn-01");
    assertThat(solver.canSolve("www.example.test", true)).as("no wildcards over tls-alpn-01").isFalse();
    ChallengeSolver.Prepared prepared = solver.prepare(PendingChallenge.tlsAlpn01("www.example.test", "token", "token.thumbprint"),
        l -> { });

    TlsClient.Handshake h = validator.handshake(server.port(), "www.example.test", acme);
    assertThat(h.protocol()).isEqualTo(AcmeTlsAlpn.PROTOCOL);
    X509Certificate cert = h.leaf();
    assertThat(CertificateBundle.dnsNames(cert)).containsExactly("www.example.test");
    assertThat(cert.getCriticalExtensionOIDs()).contains("1.3.6.1.5.5.7.1.31");
    byte[] ext = ASN1OctetString.getInstance(cert.getExtensionValue("1.3.6.1.5.5.7.1.31")).getOctets();
    assertThat(ASN1OctetString.getInstance(ext).getOctets()).isEqualTo(validation);
    cert.verify(cert.getPublicKey());

    TlsClient.Handshake browser = TlsClient.trusting(CA.certificate()).handshake(server.port(), "www.example.test",
        List.of("h2", "http/1.1"));
    assertThat(browser.leaf()).as("other handshakes are untouched").isEqualTo(www.leaf());
    assertThat(browser.protocol()).as("a server without ALPN protocols still chooses none").isEmpty();
    assertThatThrownBy(() -> validator.handshake(server.port(), "other.example.test", acme))
        .isInstanceOf(SSLHandshakeException.class);

    prepared.cleanup(l -> { });
    assertThatThrownBy(() -> validator.handshake(server.port(), "www.example.test", acme))
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(Security.getProvider("BC")).as("the handshake path registered Bouncy Castle").isNull();
  }

  @Test
  void theServersOwnAlpnChoiceIsKept() throws Exception {
    add("www", "www.example.test");
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("www").build();
    AcceptingServer server = serve(keys, "http/1.1");
    TlsClient client = TlsClient.recordingAnything();

    assertThat(client.handshake(server.port(), "www.example.test", List.of("h2", "http/1.1")).protocol())
        .isEqualTo("http/1.1");
    assertThatThrownBy(() -> client.handshake(server.port(), "www.example.test", List.of("h2")))
        .as("as the JDK does without a selector: no common protocol fails the handshake")
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void anRsaAndAnEcLineageForOneNameServeEachKeyType() {
    CertificateBundle ec = CA.leaf(List.of("www.example.test"));
    CertificateBundle rsa = CA.leaf(List.of("www.example.test"), KeyType.RSA_2048, ec.notBefore(), ec.notAfter());
    store.addVersion("www-ec", ec, "imported", Map.of());
    store.addVersion("www-rsa", rsa, "imported", Map.of());
    ManagedKeyManager keys = ManagedKeyManager.builder(store).lineages(List.of("www-ec", "www-rsa")).build();

    assertThat(keys.getServerAliases("EC", null)).containsExactly("www-ec#1");
    assertThat(keys.getServerAliases("RSA", null)).containsExactly("www-rsa#1");
    assertThat(keys.getServerAliases("EdDSA", null)).isNull();
  }
}
