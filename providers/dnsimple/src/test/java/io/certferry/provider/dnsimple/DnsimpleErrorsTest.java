package io.certferry.provider.dnsimple;

import io.certferry.core.testing.FakeTime;
import io.certferry.core.dns.DnsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every DNSimple error answer becomes one message that names what to fix, and never the token. */
class DnsimpleErrorsTest {
  private static final long ACCOUNT = 1010;
  private final FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
  private DnsimpleTestServer dnsimple;
  private FakeDnsimple fake;

  private DnsimpleDnsProvider provider() throws IOException {
    fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    dnsimple = new DnsimpleTestServer(fake);
    return new DnsimpleDnsProviderFactory().create(dnsimple.settings(ACCOUNT), DnsimpleTestServer.context(time));
  }

  @AfterEach
  void close() {
    if (dnsimple != null) {
      dnsimple.close();
    }
  }

  @ParameterizedTest(name = "HTTP {0}")
  @CsvSource(delimiter = '|', value = {
      "401|{\"message\":\"Authentication failed\"}|rejected the API token|point `token` at a valid DNSimple account token",
      "403|{\"message\":\"Permission Denied. Required Scope: zones:write\"}|may not act on account 1010|use an account token of that account",
      "402|{\"message\":\"Your account is not subscribed\"}|account 1010 is not subscribed or not in good standing|settle the subscription",
      "412|{\"message\":\"Feature not available on your plan\"}|plan for account 1010 does not allow creating TXT record|upgrade the plan",
      "404|{\"message\":\"Zone `example.com` not found\"}|zone example.com was not found in DNSimple account 1010|add the zone at DNSimple or check `account`",
      "400|{\"message\":\"Validation failed\",\"errors\":{\"content\":[\"can't be blank\"],\"ttl\":[\"must be at least 60\"]}}|content: can't be blank; ttl: must be at least 60|correct the values named",
  })
  void createTxtErrorsSayWhatToFix(int status, String body, String what, String fix) throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("POST", ".*/records", FakeDnsimple.json(status, body));

    DnsException e = catchThrowableOfType(DnsException.class,
        () -> p.createTxt("_acme-challenge.www.example.com", "v"));

    assertThat(e).hasMessageStartingWith("dnsimple: ").hasMessageContaining(what).hasMessageContaining(fix)
        .hasMessageContaining("HTTP " + status);
    assertThat(e.getMessage()).doesNotContain(FakeDnsimple.TOKEN);
    assertThat(fake.records("example.com")).isEmpty();
  }

  @Test
  void aWrongAccountIsReportedWhileListingZones() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("GET", "/v2/1010/zones", FakeDnsimple.notFound());

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .hasMessageContaining("DNSimple account 1010 was not found; check `account`");
  }

  @Test
  void theTokenIsRedactedEvenWhenDnsimpleEchoesIt() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("POST", ".*/records", FakeDnsimple.json(401,
        "{\"message\":\"token " + FakeDnsimple.TOKEN + " is not valid\"}"));

    DnsException e = catchThrowableOfType(DnsException.class, () -> p.createTxt("_acme-challenge.example.com", "v"));

    assertThat(e.getMessage()).doesNotContain(FakeDnsimple.TOKEN).contains("[redacted]");
  }

  @Test
  void anAnswerThatIsNotJsonSaysToCheckTheBaseUrl() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("GET", "/v2/1010/zones", new mockwebserver3.MockResponse.Builder().code(200)
        .body("<html>captive portal</html>").build());

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .hasMessageContaining("not the expected JSON").hasMessageContaining("check `baseUrl`");
  }

  @Test
  void aDeleteRefusedByDnsimpleIsReportedAndTheRecordKept() throws Exception {
    DnsimpleDnsProvider p = provider();
    var h = p.createTxt("_acme-challenge.example.com", "v");
    fake.answerNext("DELETE", ".*/records/\\d+", FakeDnsimple.json(403, "{\"message\":\"Permission Denied\"}"));

    assertThatThrownBy(() -> p.delete(h)).isInstanceOf(DnsException.class)
        .hasMessageContaining("refused deleting record " + h.recordId() + " of zone example.com (HTTP 403");
    assertThat(fake.records("example.com")).hasSize(1);
  }

  @Test
  void a429WaitsUntilTheRateLimitResetsThenSucceeds() throws Exception {
    DnsimpleDnsProvider p = provider();
    long reset = time.instant().getEpochSecond() + 30;
    fake.answerNext("POST", ".*/records", rateLimited(429, reset, "{\"message\":\"quota exceeded\"}"));

    var h = p.createTxt("_acme-challenge.example.com", "v");

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30));
    assertThat(fake.records("example.com")).extracting(r -> r.path("id").asText()).containsExactly(h.recordId());
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
  }

  @Test
  void remainingZeroOnASuccessfulAnswerDelaysTheNextRequestUntilReset() throws Exception {
    fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
    dnsimple = new DnsimpleTestServer(fake);
    DnsimpleDnsProvider p = new DnsimpleDnsProviderFactory().create(dnsimple.settings(null),
        DnsimpleTestServer.context(time));
    long reset = time.instant().getEpochSecond() + 45;
    fake.answerNext("GET", "/v2/whoami", rateLimited(200, reset, "{\"data\":{\"account\":{\"id\":1010,"
        + "\"email\":\"a@example.com\",\"plan_identifier\":\"solo\",\"created_at\":\"2015-09-18T23:04:37Z\","
        + "\"updated_at\":\"2016-06-09T20:03:39Z\"},\"user\":null}}"));

    p.createTxt("_acme-challenge.example.com", "v");

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(45));
    assertThat(fake.records("example.com")).hasSize(1);
  }

  @Test
  void aRateLimitResettingBeyondTheWaitBudgetFailsAtOnceSayingWhen() throws Exception {
    DnsimpleDnsProvider p = provider();
    long reset = time.instant().getEpochSecond() + 3600;
    fake.answerNext("GET", "/v2/1010/zones", rateLimited(429, reset, "{\"message\":\"quota exceeded\"}"));

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("rate limit for account 1010 stayed exhausted")
        .hasMessageContaining("resets in 3600 s");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void networkFailuresOnReadsAreRetriedWithBackoff() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("GET", "/v2/1010/zones", dropConnection());
    fake.answerNext("GET", "/v2/1010/zones", FakeDnsimple.json(503, "{\"message\":\"unavailable\"}"));

    p.createTxt("_acme-challenge.example.com", "v");

    assertThat(fake.records("example.com")).hasSize(1);
    assertThat(time.sleeps()).hasSizeGreaterThanOrEqualTo(1);
  }

  @Test
  void networkFailuresAreRetriedOnlyABoundedNumberOfTimes() throws Exception {
    DnsimpleDnsProvider p = provider();
    for (int i = 0; i < 20; i++) {
      fake.answerNext("GET", "/v2/1010/zones", dropConnection());
    }

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .isInstanceOf(DnsException.class)
        .hasMessageContaining("network failure while listing the zones of account 1010")
        .hasMessageContaining("check connectivity to DNSimple");
    long attempts = fake.requests().stream().filter(r -> r.getUrl().encodedPath().equals("/v2/1010/zones")).count();
    assertThat(attempts).isBetween(2L, 8L);
    assertThat(fake.records("example.com")).isEmpty();
  }

  @Test
  void repeatedServerErrorsOnCreateFailAfterOneCheckedRetry() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("POST", ".*/records", FakeDnsimple.json(500, "{\"message\":\"internal\"}"));
    fake.answerNext("POST", ".*/records", FakeDnsimple.json(500, "{\"message\":\"internal\"}"));

    assertThatThrownBy(() -> p.createTxt("_acme-challenge.example.com", "v"))
        .hasMessageContaining("DNSimple failed while creating TXT record").hasMessageContaining("HTTP 500");
    // the shared layer never repeats a POST by itself; the provider looks, then sends it once more
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
    assertThat(fake.records("example.com")).isEmpty();
  }

  private static MockResponse rateLimited(int code, long resetEpoch, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .addHeader("X-RateLimit-Limit", "2400").addHeader("X-RateLimit-Remaining", "0")
        .addHeader("X-RateLimit-Reset", String.valueOf(resetEpoch)).body(body).build();
  }

  private static MockResponse dropConnection() {
    return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
  }

  @Test
  void aCreateWhoseAnswerWasLostIsFoundAndAdoptedNotDuplicated() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.existingTxt("example.com", "_acme-challenge", "someone-elses");
    fake.loseNextCreateAnswer();

    var h = p.createTxt("_acme-challenge.example.com", "ours");

    assertThat(fake.records("example.com")).extracting(r -> r.path("content").asText())
        .containsExactlyInAnyOrder("\"someone-elses\"", "\"ours\"");
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(1);
    var list = fake.requests().stream().filter(r -> r.getMethod().equals("GET")
        && r.getUrl().encodedPath().endsWith("/records")).toList();
    assertThat(list).singleElement().satisfies(r -> {
      assertThat(r.getUrl().queryParameter("name")).isEqualTo("_acme-challenge");
      assertThat(r.getUrl().queryParameter("type")).isEqualTo("TXT");
    });
    p.delete(h);
    assertThat(fake.records("example.com")).extracting(r -> r.path("content").asText())
        .containsExactly("\"someone-elses\"");
  }

  @Test
  void aCreateLostBeforeItTookEffectIsSentOnceMore() throws Exception {
    DnsimpleDnsProvider p = provider();
    fake.answerNext("POST", ".*/records", dropConnection());

    var h = p.createTxt("_acme-challenge.example.com", "ours");

    assertThat(fake.records("example.com")).extracting(r -> r.path("id").asText()).containsExactly(h.recordId());
    assertThat(fake.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
  }
}
