package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.DnsRecordHandle;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.KeyType;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The challenge types of 2026 against pebble-ari with real validation (challtestsrv answers DNS; the
 * http-01 and tls-alpn-01 responders are Certferry's own): tls-alpn-01, dns-account-01, dns-persist-01
 * (record added by the operator, created once through a provider, missing), IP address certificates,
 * and the choice per name from a preference list.
 */
class AcmeChallengesPebbleTest {
  private static PebbleServer pebble;

  private final MemoryStore store = new MemoryStore();
  private final List<String> progress = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> closeMe = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startPebble() {
    pebble = PebbleServer.builder().ari().start();
  }

  @AfterAll
  static void stopPebble() {
    if (pebble != null) {
      pebble.close();
    }
  }

  @AfterEach
  void closeSolvers() throws Exception {
    for (AutoCloseable c : closeMe) {
      c.close();
    }
  }

  private AcmeIssuer issuer(ChallengeSolver... solvers) throws Exception {
    AcmeIssuer issuer = AcmeIssuer.builder().directory(pebble.directoryUrl())
        .serverCa(CertificateReader.read(pebble.serverCaFile())).agreeToTermsOfService(true).store(store)
        .solvers(List.of(solvers)).progress(progress::add).build();
    closeMe.add(issuer);
    return issuer;
  }

  private static IssueRequest request(String... names) {
    return new IssueRequest("t", List.of(names), KeyType.EC_P256, Optional.empty(), Optional.empty(),
        Optional.of("default"), Optional.empty(), null);
  }

  private static PropagationCheck dns() {
    return PropagationCheck.builder().servers(List.of(pebble.dnsAddress())).timeout(Duration.ofSeconds(20)).build();
  }

  private static TlsAlpn01Solver tlsAlpn() {
    return new TlsAlpn01Solver(new InetSocketAddress("127.0.0.1", pebble.tlsPort()));
  }

  /** challtestsrv as a DNS provider that counts what it is asked to write. */
  private static final class CountingDns implements DnsProvider {
    final DnsProvider real = new ChallTestSrvDnsProvider(pebble.challTestSrvUrl());
    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    @Override
    public DnsRecordHandle createTxt(String fqdn, String value) throws DnsException {
      created.add(fqdn + " " + value);
      return real.createTxt(fqdn, value);
    }

    @Override
    public void delete(DnsRecordHandle handle) throws DnsException {
      deleted.add(handle.fqdn());
      real.delete(handle);
    }
  }

  @Test
  void tlsAlpn01IsValidatedByTheCaOverTheBuiltInTlsServer() throws Exception {
    IssuedCertificate issued = issuer(tlsAlpn()).issue(request("alpn.example.com"));

    assertThat(issued.bundle().names()).containsExactly("alpn.example.com");
    assertThat(issued.details()).containsEntry(AcmeIssuer.CHALLENGE_PREFIX + "alpn.example.com",
        "tls-alpn-01 (the configured challenge)");
    assertThat(progress).contains("validated alpn.example.com");
    assertThat(pebble.logs()).doesNotContain("tls-alpn-01 validation failed");
  }

  @Test
  void anIpAddressCertificateOverHttp01AndOverTlsAlpn01() throws Exception {
    Http01StandaloneSolver http = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", pebble.httpPort()));
    closeMe.add(http);
    IssuedCertificate overHttp = issuer(http).issue(request("127.0.0.1"));
    IssuedCertificate overTls = issuer(tlsAlpn()).issue(request("127.0.0.1"));

    for (IssuedCertificate c : List.of(overHttp, overTls)) {
      assertThat(c.bundle().names()).as("an IP SAN, not a DNS one").containsExactly("127.0.0.1");
      assertThat(c.bundle().leaf().getSubjectAlternativeNames()).allMatch(san -> san.get(0).equals(7));
    }
    assertThat(overHttp.details().get(AcmeIssuer.CHALLENGE_PREFIX + "127.0.0.1")).startsWith("http-01");
    assertThat(overTls.details().get(AcmeIssuer.CHALLENGE_PREFIX + "127.0.0.1")).startsWith("tls-alpn-01");
  }

  @Test
  void anIpAddressIsNeverOfferedToADnsChallenge() throws Exception {
    CountingDns dns = new CountingDns();
    assertThatThrownBy(() -> issuer(new Dns01Solver(dns, dns())).issue(request("127.0.0.1")))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("no configured challenge can validate 127.0.0.1: dns-01 cannot validate IP addresses")
        .hasMessageContaining("IP addresses need http-01 or tls-alpn-01");
    assertThat(dns.created).isEmpty();
  }

  @Test
  void dnsAccount01WritesTheAccountScopedLabelAndTheCaAcceptsIt() throws Exception {
    CountingDns dns = new CountingDns();
    IssuedCertificate issued = issuer(Dns01Solver.accountLabel(dns, dns()))
        .issue(request("acct.example.com", "*.acct.example.com"));

    assertThat(issued.bundle().names()).containsExactlyInAnyOrder("acct.example.com", "*.acct.example.com");
    // _<base32 of the account URL's hash>._acme-challenge.<name>: another account's agent writes elsewhere
    assertThat(dns.created).hasSize(2).allMatch(c -> c.matches("_[a-z2-7]{16}\\._acme-challenge\\.acct\\.example\\.com \\S+"));
    assertThat(dns.created).noneMatch(c -> c.startsWith("_acme-challenge."));
    assertThat(dns.deleted).hasSize(2);
  }

  @Test
  void dnsPersist01WithTheRecordInPlaceWritesNoDnsAndWorksWithoutAProvider() throws Exception {
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.empty(), dns(), Optional.empty(), Clock.systemUTC()));
    String account = issuer.accountUrl().toString();
    // The operator adds the record once, as `certferry dns-persist record` prints it.
    new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()).createTxt("_validation-persist.kept.example.com",
        "pebble.letsencrypt.org; accounturi=" + account + "; policy=wildcard");

    IssuedCertificate first = issuer.issue(request("kept.example.com", "*.kept.example.com"));
    IssuedCertificate renewal = issuer.issue(request("kept.example.com", "*.kept.example.com"));

    assertThat(first.bundle().names()).containsExactlyInAnyOrder("kept.example.com", "*.kept.example.com");
    assertThat(renewal.bundle().serial()).isNotEqualTo(first.bundle().serial());
    assertThat(progress).filteredOn(l -> l.contains("record _validation-persist.kept.example.com in place"))
        .hasSize(4); // two names, two issuances, no DNS change
    assertThat(renewal.details().get(AcmeIssuer.CHALLENGE_PREFIX + "*.kept.example.com")).startsWith("dns-persist-01");
  }

  @Test
  void dnsPersist01CreatesAMissingRecordOnceThroughTheProviderAndKeepsIt() throws Exception {
    CountingDns dns = new CountingDns();
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.of(dns), dns(), Optional.empty(), Clock.systemUTC()));

    issuer.issue(request("made.example.com", "*.made.example.com"));
    issuer.issue(request("made.example.com", "*.made.example.com"));

    String account = issuer.accountUrl().toString();
    assertThat(dns.created).as("one record for the name and its wildcard, written once")
        .containsExactly("_validation-persist.made.example.com pebble.letsencrypt.org; accounturi=" + account
            + "; policy=wildcard");
    assertThat(dns.deleted).as("the record stays for the renewals").isEmpty();
    assertThat(txt("_validation-persist.made.example.com")).hasSize(1);
  }

  @Test
  void aPersistUntilGoesIntoTheRecordAndOneThatHasPassedStopsBeforeAnyDnsChange() throws Exception {
    CountingDns dns = new CountingDns();
    Instant until = Instant.now().plus(Duration.ofDays(30)).truncatedTo(ChronoUnit.SECONDS);
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.of(dns), dns(), Optional.of(until), Clock.systemUTC()));

    issuer.issue(request("until.example.com"));

    assertThat(dns.created).containsExactly("_validation-persist.until.example.com pebble.letsencrypt.org; accounturi="
        + issuer.accountUrl() + "; persistUntil=" + until.getEpochSecond());
    Instant passed = Instant.now().minusSeconds(60);
    AcmeIssuer expired = issuer(new DnsPersist01Solver(Optional.of(dns), dns(), Optional.of(passed), Clock.systemUTC()));
    assertThatThrownBy(() -> expired.issue(request("passed.example.com"))).isInstanceOf(IssueException.class)
        .hasMessageContaining("dns-persist-01: persistUntil " + passed + " has passed")
        .hasMessageContaining("move dnsPersist.persistUntil into the future or remove it");
    assertThat(dns.created).hasSize(1);
  }

  @Test
  void dnsPersist01WithoutTheRecordOrAProviderSaysWhichRecordToAdd() throws Exception {
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.empty(), dns(), Optional.empty(), Clock.systemUTC()));
    String account = issuer.accountUrl().toString();

    assertThatThrownBy(() -> issuer.issue(request("absent.example.com")))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("dns-persist-01: the record for absent.example.com is not in place and no dnsProvider is set")
        .hasMessageContaining("_validation-persist.absent.example.com. IN TXT \"pebble.letsencrypt.org; accounturi="
            + account + "\"")
        .hasMessageContaining("certferry dns-persist record");
  }

  @Test
  void aPreferenceListFallsBackPerNameAndSaysWhy() throws Exception {
    CountingDns dns = new CountingDns();
    AcmeIssuer issuer = issuer(new DnsPersist01Solver(Optional.empty(), dns(), Optional.empty(), Clock.systemUTC()),
        new Dns01Solver(dns, dns()));
    String account = issuer.accountUrl().toString();
    new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()).createTxt("_validation-persist.pref.example.com",
        "pebble.letsencrypt.org; accounturi=" + account);

    IssuedCertificate issued = issuer.issue(request("pref.example.com", "other.example.com"));

    assertThat(issued.details()).containsEntry(AcmeIssuer.CHALLENGE_PREFIX + "pref.example.com",
        "dns-persist-01 (first choice)");
    assertThat(issued.details().get(AcmeIssuer.CHALLENGE_PREFIX + "other.example.com"))
        .startsWith("dns-01 (choice 2 of 2: dns-persist-01: the record for other.example.com is not in place");
    assertThat(progress).contains("challenge for pref.example.com: dns-persist-01 (first choice)");
    assertThat(dns.created).hasSize(1).allMatch(c -> c.startsWith("_acme-challenge.other.example.com "));
  }

  private static List<String> txt(String name) throws Exception {
    SimpleResolver r = new SimpleResolver(pebble.dnsAddress());
    r.setTCP(true);
    Message m = r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.TXT, DClass.IN)));
    return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
  }
}
