package io.certferry.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.testing.FakeDnsServer;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.TXTRecord;

/**
 * A name's DNS against a small authoritative DNS server on loopback (it plays the resolver too): CAA by RFC 8659's
 * climb with issue/issuewild and RFC 8657's parameters, dns-01's authoritative servers, the DNSSEC status. Every
 * failure kind shows its fix.
 */
class NameCheckTest {
  private static final String ACCOUNT = "https://ca.test/acme/acct/42";
  private FakeDnsServer dns;
  private final AcmeDirectory directory = directory("letsencrypt.org");

  @BeforeEach
  void start() throws Exception {
    dns = FakeDnsServer.start().zone("example.test", "127.0.0.1.");
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  private static AcmeDirectory directory(String caaIdentity) {
    var doc = new ObjectMapper().createObjectNode().put("newOrder", "https://ca.test/new-order")
        .put("newAccount", "https://ca.test/new-acct");
    doc.putObject("meta").putArray("caaIdentities").add(caaIdentity);
    return new AcmeDirectory(URI.create("https://ca.test/dir"), doc, Optional.empty());
  }

  private void caa(String owner, int flags, String tag, String value) {
    dns.add(new CAARecord(FakeDnsServer.name(owner), DClass.IN, 60, flags, tag, value));
  }

  private List<CheckResult> check(String domain, String challenge, Optional<String> account) throws Exception {
    Optional<PropagationCheck> servers = challenge.startsWith("dns-") ? Optional.of(PropagationCheck.builder()
        .lookupResolver(dns.resolver()).nameServerPort(dns.port()).queryTimeout(Duration.ofMillis(500)).build())
        : Optional.empty();
    return new NameCheck(domain, List.of(challenge), () -> directory, () -> account, dns.resolver(), servers,
        Clock.systemUTC()).run();
  }

  private static CheckResult about(List<CheckResult> results, String subject) {
    return results.stream().filter(r -> r.subject().equals(subject)).findFirst().orElseThrow();
  }

  @Test
  void noCaaAnywhereLetsAnyCaIssueAndAnUnsignedZoneIsReported() throws Exception {
    List<CheckResult> r = check("www.example.test", "http-01", Optional.empty());

    assertThat(about(r, "CAA").message()).isEqualTo("no CAA record at www.example.test or above: any CA may issue");
    assertThat(about(r, "DNSSEC")).satisfies(d -> {
      assertThat(d.status()).isEqualTo(CheckResult.Status.OK);
      assertThat(d.message()).isEqualTo("not signed (no DS record for example.test)");
    });
    assertThat(r).extracting(CheckResult::subject).containsExactly("CAA", "DNSSEC");
    // RFC 8659: climbed from the name to its parent and on, one label at a time
    assertThat(dns.questions()).containsSubsequence("CAA www.example.test.", "CAA example.test.", "CAA test.");
  }

  @Test
  void theClosestCaaSetDecidesAndOneNamingTheCaLetsItIssue() throws Exception {
    caa("example.test", 0, "issue", "letsencrypt.org");

    CheckResult r = about(check("www.example.test", "http-01", Optional.empty()), "CAA");

    assertThat(r.status()).isEqualTo(CheckResult.Status.OK);
    assertThat(r.message()).isEqualTo("CAA issue at example.test allows letsencrypt.org");
    assertThat(dns.questions()).doesNotContain("CAA test.");
  }

  @Test
  void aCaaSetNamingAnotherCaFailsWithTheRecordToAdd() throws Exception {
    caa("example.test", 0, "issue", "letsencrypt.org");
    caa("www.example.test", 0, "issue", "sectigo.com");

    CheckResult r = about(check("www.example.test", "http-01", Optional.empty()), "CAA");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).isEqualTo("CAA issue at www.example.test allows only sectigo.com; the CA (letsencrypt.org) "
        + "would refuse to issue");
    assertThat(r.fix()).contains("add or fix the record at the DNS provider: www.example.test CAA 0 issue \"letsencrypt.org\"");
  }

  @Test
  void aWildcardIsJudgedByIssuewildWhenThereIsOne() throws Exception {
    caa("example.test", 0, "issue", "letsencrypt.org");
    caa("example.test", 0, "issuewild", ";");

    CheckResult wild = about(check("*.example.test", "dns-01", Optional.empty()), "CAA");
    CheckResult plain = about(check("example.test", "dns-01", Optional.empty()), "CAA");

    assertThat(wild.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(wild.message()).startsWith("CAA issuewild at example.test allows only no CA (\";\")");
    assertThat(wild.fix().orElseThrow()).endsWith("example.test CAA 0 issuewild \"letsencrypt.org\"");
    assertThat(plain.status()).isEqualTo(CheckResult.Status.OK);
  }

  @Test
  void accountUriAndValidationMethodsMustMatchTheAccountAndTheChallenge() throws Exception {
    caa("example.test", 0, "issue", "letsencrypt.org; accounturi=" + ACCOUNT + "; validationmethods=dns-01");

    CheckResult matches = about(check("example.test", "dns-01", Optional.of(ACCOUNT)), "CAA");
    CheckResult otherAccount = about(check("example.test", "dns-01", Optional.of("https://ca.test/acme/acct/7")), "CAA");
    CheckResult otherMethod = about(check("example.test", "http-01", Optional.of(ACCOUNT)), "CAA");
    CheckResult notRegistered = about(check("example.test", "dns-01", Optional.empty()), "CAA");

    assertThat(matches.status()).isEqualTo(CheckResult.Status.OK);
    assertThat(otherAccount.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(otherAccount.message()).contains("allows account " + ACCOUNT + ", not https://ca.test/acme/acct/7");
    assertThat(otherMethod.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(otherMethod.message()).contains("allows validationmethods dns-01, not http-01");
    assertThat(notRegistered.status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(notRegistered.fix().orElseThrow()).contains("register the account the record names");
  }

  @Test
  void aCriticalRecordWithAnUnknownTagForbidsEveryCa() throws Exception {
    caa("example.test", 128, "tbs", "unknown");
    caa("example.test", 0, "issue", "letsencrypt.org");

    CheckResult r = about(check("example.test", "http-01", Optional.empty()), "CAA");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).contains("critical CAA record 128 tbs \"unknown\"", "RFC 8659 section 4.1");
  }

  @Test
  void forDns01TheZonesAuthoritativeServersAreAskedAndOneThatDoesNotAnswerFails() throws Exception {
    CheckResult ok = about(check("www.example.test", "dns-01", Optional.empty()), "authoritative servers");
    assertThat(ok.status()).isEqualTo(CheckResult.Status.OK);
    assertThat(ok.message()).isEqualTo("all 1 answer for _acme-challenge.www.example.test");
    assertThat(dns.questions()).contains("TXT _acme-challenge.www.example.test.");

    // a second name server on an address where nothing listens
    dns.add(new NSRecord(FakeDnsServer.name("example.test"), DClass.IN, 60, FakeDnsServer.name("127.0.0.9.")));
    CheckResult silent = about(check("www.example.test", "dns-01", Optional.empty()), "authoritative servers");
    assertThat(silent.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(silent.message()).startsWith("1 of 2 do not answer for _acme-challenge.www.example.test (127.0.0.9:");
    assertThat(silent.fix().orElseThrow()).contains("fix or remove the name servers that do not answer");
  }

  @Test
  void aNameWithoutADelegatedZoneFailsTheServerCheck() throws Exception {
    CheckResult r = about(check("www.elsewhere.invalid", "dns-01", Optional.empty()), "authoritative servers");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).contains("found no zone");
    assertThat(r.fix().orElseThrow()).contains("delegate the zone");
  }

  @Test
  void dnssecIsReportedSignedWhenTheResolverValidatesAndWarnsOnADsItDidNot() throws Exception {
    dns.add(new DSRecord(FakeDnsServer.name("example.test"), DClass.IN, 60, 12345, 13, 2, new byte[32]));
    CheckResult unvalidated = about(check("www.example.test", "http-01", Optional.empty()), "DNSSEC");
    assertThat(unvalidated.status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(unvalidated.message()).contains("has a DS record, but the resolver did not validate");
    assertThat(unvalidated.fix().orElseThrow()).contains("dnsviz.net");

    dns.authenticated(true);
    CheckResult signed = about(check("www.example.test", "http-01", Optional.empty()), "DNSSEC");
    assertThat(signed.status()).isEqualTo(CheckResult.Status.OK);
    assertThat(signed.message()).isEqualTo("signed; the resolver validated the answer");
  }

  @Test
  void aCaWithoutCaaIdentitiesCannotBeJudgedAndSaysSo() throws Exception {
    caa("example.test", 0, "issue", "letsencrypt.org");
    AcmeDirectory none = new AcmeDirectory(URI.create("https://ca.test/dir"), new ObjectMapper().createObjectNode(),
        Optional.empty());

    CheckResult r = about(new NameCheck("example.test", List.of("http-01"), () -> none, Optional::empty, dns.resolver(),
        Optional.empty(), Clock.systemUTC()).run(), "CAA");

    assertThat(r.status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(r.message()).contains("names no caaIdentities");
  }

  @Test
  void forDnsPersist01ThePersistentRecordMustAuthorizeTheAccountAtEveryServer() throws Exception {
    CheckResult missing = about(check("www.example.test", "dns-persist-01", Optional.of(ACCOUNT)), "dns-persist-01 record");
    assertThat(missing.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(missing.message()).contains("_validation-persist.www.example.test does not authorize " + ACCOUNT,
        "has no TXT record there");
    assertThat(missing.fix().orElseThrow()).contains("certferry dns-persist record");

    dns.add(new TXTRecord(FakeDnsServer.name("_validation-persist.www.example.test"), DClass.IN, 60,
        "letsencrypt.org; accounturi=" + ACCOUNT));
    CheckResult present = about(check("www.example.test", "dns-persist-01", Optional.of(ACCOUNT)), "dns-persist-01 record");
    assertThat(present.status()).as(present.toString()).isEqualTo(CheckResult.Status.OK);
    assertThat(present.message()).isEqualTo("_validation-persist.www.example.test authorizes " + ACCOUNT + " at all 1 server(s)");

    CheckResult otherAccount = about(check("www.example.test", "dns-persist-01", Optional.of("https://ca.test/acme/acct/7")),
        "dns-persist-01 record");
    assertThat(otherAccount.status()).isEqualTo(CheckResult.Status.FAIL);

    CheckResult unregistered = about(check("www.example.test", "dns-persist-01", Optional.empty()), "dns-persist-01 record");
    assertThat(unregistered.status()).isEqualTo(CheckResult.Status.WARN);
  }
}
