package io.certferry.provider.dnsimple;

import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.dns.DnsRecordHandle;
import io.certferry.core.testing.FakeTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.ChallengeSolver;
import io.certferry.core.issue.acme.Dns01Solver;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.KeyType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real dns-01 and dns-account-01 issuance (pebble-ari) through this provider: AcmeIssuer + Dns01Solver +
 * {@link DnsimpleDnsProvider}
 * talk to a contract-validated DNSimple fake, which mirrors every TXT record it creates or deletes into
 * pebble-challtestsrv, the DNS server Pebble validates against.
 */
class DnsimpleEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PebbleServer pebble;
  private static X509Certificate pebbleServerCa;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
  private FakeDnsimple fake;
  private DnsimpleTestServer dnsimple;
  private long foreignRecord;

  @BeforeAll
  static void startPebble() throws Exception {
    pebble = PebbleServer.builder().ari().start();
    pebbleServerCa = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(pebble.serverCaFile())));
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  @BeforeEach
  void startDnsimple() throws Exception {
    fake = new FakeDnsimple(1010, true).zone("example.org").zone("shop.example.org").zone("example.net");
    foreignRecord = fake.existingTxt("shop.example.org", "_acme-challenge", "another-tools-token");
    mirrorInto(UnaryOperator.identity());
    dnsimple = new DnsimpleTestServer(fake);
  }

  @AfterEach
  void stopDnsimple() {
    dnsimple.close();
  }

  @Test
  void issuesAWildcardCertificateOverDns01ThroughDnsimple() throws Exception {
    fake.notDistributedFor(2);
    var issued = issuer(provider(true)).issue(IssueRequest.of("shop",
        List.of("shop.example.org", "*.shop.example.org", "www.example.org"), KeyType.EC_P256));

    CertificateBundle b = issued.bundle();
    assertThat(b.names()).containsExactlyInAnyOrder("shop.example.org", "*.shop.example.org", "www.example.org");
    assertChainValidates(b);
    List<JsonNode> posts = fake.requests().stream().filter(r -> r.getMethod().equals("POST"))
        .map(r -> body(r.getBody().utf8())).toList();
    assertThat(posts).extracting(p -> p.path("name").asText())
        .containsExactlyInAnyOrder("_acme-challenge", "_acme-challenge", "_acme-challenge.www");
    assertThat(posts).allSatisfy(p -> assertThat(p.path("ttl").asInt()).isEqualTo(60));
    assertThat(fake.requests()).filteredOn(r -> r.getUrl().encodedPath().endsWith("/distribution")).isNotEmpty();
    // Only this run's three records were deleted; the other tool's record at the same name is still there.
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("DELETE")).hasSize(3);
    assertThat(fake.records("shop.example.org")).extracting(r -> r.path("id").asLong()).containsExactly(foreignRecord);
    assertThat(fake.records("example.org")).isEmpty();
    assertThat(txt("_acme-challenge.shop.example.org")).containsExactly("\"another-tools-token\"");
    assertThat(txt("_acme-challenge.www.example.org")).isEmpty();
  }

  @Test
  void issuesOverDnsAccount01UnderTheAccountsOwnLabelBesideAnotherToolsRecord() throws Exception {
    var issued = issuer(Dns01Solver.accountLabel(provider(false), check(Duration.ofSeconds(20))))
        .issue(IssueRequest.of("acct", List.of("shop.example.org", "*.shop.example.org"), KeyType.EC_P256));

    assertThat(issued.bundle().names()).containsExactlyInAnyOrder("shop.example.org", "*.shop.example.org");
    assertChainValidates(issued.bundle());
    List<JsonNode> posts = fake.requests().stream().filter(r -> r.getMethod().equals("POST"))
        .map(r -> body(r.getBody().utf8())).toList();
    // One label per account: neither the other tool's _acme-challenge record nor another account's is touched.
    assertThat(posts).extracting(p -> p.path("name").asText()).hasSize(2)
        .allMatch(n -> n.matches("_[a-z2-7]{16}\\._acme-challenge"));
    assertThat(fake.records("shop.example.org")).extracting(r -> r.path("id").asLong()).containsExactly(foreignRecord);
    assertThat(txt("_acme-challenge.shop.example.org")).containsExactly("\"another-tools-token\"");
  }

  @Test
  void aFailedOrderCleansUpOnlyTheRecordsItCreated() throws Exception {
    // DNS serves a wrong value for every record created: the order fails once the records exist.
    mirrorInto(v -> "not-" + v);
    assertThatThrownBy(() -> issuer(provider(false), Duration.ofSeconds(3)).issue(IssueRequest.of("broken",
        List.of("broken.example.org", "*.shop.example.org"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("TXT not visible");

    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("POST")).isNotEmpty();
    assertThat(fake.records("example.org")).isEmpty();
    assertThat(fake.records("shop.example.org")).extracting(r -> r.path("id").asLong()).containsExactly(foreignRecord);
    assertThat(txt("_acme-challenge.broken.example.org")).isEmpty();
  }

  private DnsimpleDnsProvider provider(boolean confirmDistribution) {
    return new DnsimpleDnsProviderFactory().create(dnsimple.settings(null)
        .put("confirmDistribution", confirmDistribution), DnsimpleTestServer.context(time));
  }

  private AcmeIssuer issuer(DnsimpleDnsProvider provider) {
    return issuer(provider, Duration.ofSeconds(20));
  }

  private AcmeIssuer issuer(DnsimpleDnsProvider provider, Duration propagationTimeout) {
    return issuer(new Dns01Solver(provider, check(propagationTimeout)));
  }

  private AcmeIssuer issuer(ChallengeSolver solver) {
    return AcmeIssuer.builder().directory(pebble.directoryUrl()).serverCa(List.of(pebbleServerCa))
        .agreeToTermsOfService(true).email("ops@example.org").store(new MemoryStore())
        .solver(solver).progress(progress::add).build();
  }

  private static PropagationCheck check(Duration timeout) {
    return PropagationCheck.builder().servers(List.of(pebble.dnsAddress())).timeout(timeout).build();
  }

  private void mirrorInto(UnaryOperator<String> served) throws Exception {
    ChallTestSrvDnsProvider dns = new ChallTestSrvDnsProvider(pebble.challTestSrvUrl());
    fake.mirrorInto(dns, List.of("example.org", "shop.example.org", "example.net"), served);
    // the record that exists before the run must be visible in DNS too
    dns.delete(new DnsRecordHandle("_acme-challenge.shop.example.org", "", "", ""));
    dns.createTxt("_acme-challenge.shop.example.org", "another-tools-token");
  }


  private static JsonNode body(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertChainValidates(CertificateBundle b) throws Exception {
    List<X509Certificate> path = new ArrayList<>(b.fullChain());
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(pebble.root(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path),
        params);
  }

  private static List<String> txt(String name) throws Exception {
    SimpleResolver r = new SimpleResolver(pebble.dnsAddress());
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
