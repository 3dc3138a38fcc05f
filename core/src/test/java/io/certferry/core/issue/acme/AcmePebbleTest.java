package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.certferry.core.CertificateBundle;
import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.KeyType;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Status;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** End-to-end issuance against a real Pebble (pebble-ari, v2.10.1) and pebble-challtestsrv. */
class AcmePebbleTest {
  private static PebbleServer pebble;
  private static X509Certificate serverCa;

  private final MemoryStore store = new MemoryStore();
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = PebbleServer.builder().ari().start();
    serverCa = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pebble.serverCaFile())));
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  private AcmeIssuer.Builder issuer(ChallengeSolver solver) {
    return AcmeIssuer.builder().directory(pebble.directoryUrl()).serverCa(List.of(serverCa))
        .agreeToTermsOfService(true).email("ops@example.com").store(store).solver(solver).progress(progress::add);
  }

  private final List<Http01StandaloneSolver> solvers = new CopyOnWriteArrayList<>();

  private Http01StandaloneSolver standalone() {
    Http01StandaloneSolver s = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", pebble.httpPort()));
    solvers.add(s);
    return s;
  }

  @org.junit.jupiter.api.AfterEach
  void stopSolvers() {
    solvers.forEach(Http01StandaloneSolver::close); // free the validation port for the next test at once
  }

  @Test
  void issuesOverHttp01StandaloneAndReusesTheAccount() throws Exception {
    AcmeIssuer issuer = issuer(standalone()).build();
    IssuedCertificate issued = issuer.issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256));

    CertificateBundle b = issued.bundle();
    assertThat(b.names()).containsExactly("www.example.com");
    assertThat(b.leaf().getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertChainValidatesAgainstPebbleRoot(b);
    assertThat(issued.details()).containsKeys(AcmeIssuer.CERTIFICATE_URL, AcmeIssuer.ORDER_URL, AcmeIssuer.ACCOUNT_URL);
    assertThat(issued.details().get(AcmeIssuer.CERTIFICATE_URL)).startsWith("https://localhost:");
    // account: key saved before registration, then with its URL
    assertThat(store.accountWrites()).hasSize(2);
    assertThat(store.accountWrites().get(0).accountUrl()).isNull();
    assertThat(store.accountWrites().get(1).accountUrl().toString()).isEqualTo(issued.details().get(AcmeIssuer.ACCOUNT_URL));
    assertThat(progress).anyMatch(l -> l.startsWith("validated www.example.com"));

    // a second issuer (a new process) reuses the stored account
    issuer.close();
    IssuedCertificate again = issuer(standalone()).build()
        .issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.RSA_2048));
    assertThat(store.accountWrites()).hasSize(2);
    assertThat(again.details().get(AcmeIssuer.ACCOUNT_URL)).isEqualTo(issued.details().get(AcmeIssuer.ACCOUNT_URL));
    assertThat(again.bundle().leaf().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(again.bundle().serial()).isNotEqualTo(b.serial());
  }

  @Test
  void issuersSharingAnAccountRegisterItOnceWhenTheyStartTogether(@TempDir Path dir) throws Exception {
    // The agent issues its certificates in parallel, each through its own issuer, on one FileStore.
    FileStore files = FileStore.open(dir);
    List<String> seen = new CopyOnWriteArrayList<>();
    Supplier<AcmeAccounts> accounts = () -> new AcmeAccounts(pebble.directoryUrl(), "shared",
        "ops@example.com", true, null, null, List.of(serverCa), files, seen::add, new AcmeSessions());
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> urls = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        AcmeAccounts a = accounts.get();
        urls.add(pool.submit(() -> {
          start.await();
          try (AcmeAccounts.Lease lease = a.lease()) {
            return lease.login().getAccountLocation().toString();
          }
        }));
      }
      Set<String> distinct = new HashSet<>();
      for (var u : urls) {
        distinct.add(u.get(60, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(seen).filteredOn(l -> l.startsWith("account shared registered")).hasSize(1);
    } finally {
      pool.shutdownNow();
    }
    // The next start signs with the stored key for the stored URL, and the CA accepts it.
    try (AcmeAccounts.Lease lease = accounts.get().lease()) {
      Login next = lease.login();
      next.getAccount().fetch();
      assertThat(next.getAccount().getStatus()).isEqualTo(Status.VALID);
    }
  }

  @Test
  void freshKeyByDefaultAndTheGivenKeyWhenReused() throws Exception {
    AcmeIssuer issuer = issuer(standalone()).build();
    KeyPair key = KeyType.EC_P256.generate();
    IssueRequest reuse = new IssueRequest("r", List.of("reuse.example.com"), KeyType.EC_P256, Optional.of(key),
        Optional.empty(), Optional.empty(), Optional.empty(), null);
    assertThat(issuer.issue(reuse).bundle().leaf().getPublicKey()).isEqualTo(key.getPublic());
    IssuedCertificate fresh = issuer.issue(IssueRequest.of("r", List.of("reuse.example.com"), KeyType.EC_P256));
    assertThat(fresh.bundle().leaf().getPublicKey()).isNotEqualTo(key.getPublic());
  }

  @Test
  void issuesOverHttp01WebrootAndRemovesTheFile(@TempDir Path webroot) throws Exception {
    List<String> served = new CopyOnWriteArrayList<>();
    HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", pebble.httpPort()), 16);
    web.createContext("/", ex -> {
      Path file = webroot.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
      byte[] body = file.startsWith(webroot) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
      served.add(ex.getRequestURI().getPath() + " " + (body == null ? 404 : 200));
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        ex.getResponseBody().write(body);
      }
      ex.close();
    });
    web.start();
    try {
      IssuedCertificate issued = issuer(new Http01WebrootSolver(webroot)).build()
          .issue(IssueRequest.of("site", List.of("site.example.com", "alt.example.com"), KeyType.EC_P256));
      assertThat(issued.bundle().names()).containsExactlyInAnyOrder("site.example.com", "alt.example.com");
      assertChainValidatesAgainstPebbleRoot(issued.bundle());
    } finally {
      web.stop(0);
    }
    assertThat(served).anyMatch(s -> s.startsWith("/.well-known/acme-challenge/") && s.endsWith(" 200"));
    assertThat(webroot.resolve(".well-known")).doesNotExist();
  }

  @Test
  void issuesMultiNameWildcardOverDns01AndClearsTheRecords() throws Exception {
    PropagationCheck check = PropagationCheck.builder().servers(List.of(pebble.dnsAddress()))
        .timeout(Duration.ofSeconds(20)).build();
    Dns01Solver solver = new Dns01Solver(new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()), check);
    IssuedCertificate issued = issuer(solver).build()
        .issue(IssueRequest.of("wild", List.of("wild.example.org", "*.wild.example.org", "api.example.org"), KeyType.EC_P384));

    assertThat(issued.bundle().names()).containsExactlyInAnyOrder("wild.example.org", "*.wild.example.org", "api.example.org");
    assertChainValidatesAgainstPebbleRoot(issued.bundle());
    assertThat(txt("_acme-challenge.wild.example.org")).isEmpty();
    assertThat(txt("_acme-challenge.api.example.org")).isEmpty();
    assertThat(progress).anyMatch(l -> l.startsWith("dns-01 response in place for wild.example.org"));
  }

  @Test
  void aReplacesTheCaRefusesIsNoDeadEndTheOrderIsPlacedOnceWithoutIt() throws Exception {
    IssuedCertificate theirs = issuer(standalone()).build()
        .issue(IssueRequest.of("x", List.of("handover.example.com"), KeyType.EC_P256));
    String certId = AriCertificateId.of(theirs.bundle().leaf()).orElseThrow();
    // Another account (a new store after a CA or account change) cannot replace it: Pebble refuses the id.
    AcmeIssuer ours = AcmeIssuer.builder().directory(pebble.directoryUrl()).serverCa(List.of(serverCa))
        .agreeToTermsOfService(true).store(new MemoryStore()).solver(standalone()).progress(progress::add).build();
    long orders = pebble.ordersPlaced();

    IssuedCertificate issued = ours.issue(new IssueRequest("x", List.of("handover.example.com"), KeyType.EC_P256,
        Optional.empty(), Optional.of(certId), Optional.of("default"), Optional.empty(), null));

    assertThat(issued.bundle().names()).containsExactly("handover.example.com");
    assertThat(issued.details()).doesNotContainKey(AcmeIssuer.REPLACES);
    assertThat(progress).anyMatch(l -> l.startsWith("the CA refused the order naming " + certId + " in replaces (")
        && l.endsWith("); ordering once without replaces"));
    assertThat(pebble.ordersPlaced()).as("the refused order and one more").isEqualTo(orders + 2);
  }

  @Test
  void anUnknownProfileIsRefusedBeforeAnyOrderSayingWhatIsOffered() {
    long orders = pebble.ordersPlaced();
    assertThatThrownBy(() -> issuer(standalone()).build().issue(new IssueRequest("p", List.of("p.example.com"),
        KeyType.EC_P256, Optional.empty(), Optional.empty(), Optional.of("tlsserver"), Optional.empty(), null)))
        .isInstanceOf(IssueException.class)
        .hasMessage("profile tlsserver is not offered by " + pebble.directoryUrl() + "; offered: default, shortlived; "
            + "set profile: to one of them")
        .satisfies(e -> assertThat(((IssueException) e).kind()).isEqualTo(IssueException.Kind.CA_REJECTED));
    assertThat(pebble.ordersPlaced()).isEqualTo(orders);
  }

  @Test
  void theOrderNamesItsProfileAndTheCertificateFollowsIt() throws Exception {
    IssuedCertificate shortlived = issuer(standalone()).build().issue(new IssueRequest("s", List.of("s.example.com"),
        KeyType.EC_P256, Optional.empty(), Optional.empty(), Optional.of("shortlived"), Optional.empty(), null));

    CertificateBundle b = shortlived.bundle();
    assertThat(Duration.between(b.notBefore(), b.notAfter())).isBetween(Duration.ofDays(6).minusMinutes(5),
        Duration.ofDays(6).plusMinutes(5));
    assertThat(shortlived.details()).containsEntry(AcmeIssuer.PROFILE, "shortlived");
    assertThat(progress).anyMatch(l -> l.startsWith("order ") && l.endsWith(" (profile shortlived)"));
    assertThat(progress).noneMatch(l -> l.contains("the certificate may follow another profile"));
  }

  @Test
  void wildcardWithOnlyHttp01IsRejectedWithAHint() {
    assertThatThrownBy(() -> issuer(standalone()).build()
        .issue(IssueRequest.of("w", List.of("*.nohttp.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("*.nohttp.example.com")
        .hasMessageContaining("dns-01");
  }

  @Test
  void revokesAnIssuedCertificate() throws Exception {
    AcmeIssuer issuer = issuer(standalone()).build();
    CertificateBundle b = issuer.issue(IssueRequest.of("rev", List.of("rev.example.com"), KeyType.EC_P256)).bundle();
    issuer.revoke(b, "superseded");
    assertThat(progress).anyMatch(l -> l.startsWith("revoked serial " + b.serial()));
    assertThatThrownBy(() -> issuer.revoke(b, "superseded"))
        .isInstanceOf(IssueException.class).hasMessageContaining("alreadyRevoked");
  }

  @Test
  void failedValidationIsReportedAsSuchAndNothingIsWritten() throws Exception {
    // the solver "answers" but nothing listens on the validation port: Pebble's request fails
    ChallengeSolver silent = new ChallengeSolver() {
      @Override
      public String type() { return "http-01"; }

      @Override
      public Prepared prepare(PendingChallenge c, Consumer<String> p) { return q -> {}; }
    };
    AcmeIssuer issuer = issuer(silent).build();
    assertThatThrownBy(() -> issuer.issue(IssueRequest.of("bad", List.of("bad.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("http-01 validation of bad.example.com failed")
        .satisfies(e -> assertThat(((IssueException) e).kind()).isEqualTo(IssueException.Kind.VALIDATION_FAILED));
    // Backoff is the engine's (CertManagerTest): the issuer leaves the lineage's state alone.
    assertThat(store.state("bad")).isEqualTo(LineageState.empty());
  }

  private static void assertChainValidatesAgainstPebbleRoot(CertificateBundle b) throws Exception {
    X509Certificate root = pebble.root();
    List<X509Certificate> path = new ArrayList<>(b.fullChain());
    var cf = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
    assertThat(b.fullChain().get(0)).isEqualTo(b.leaf());
    assertThat(b.chain()).noneMatch(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
  }

  private static List<String> txt(String name) throws Exception {
    SimpleResolver r = new SimpleResolver(pebble.dnsAddress());
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
