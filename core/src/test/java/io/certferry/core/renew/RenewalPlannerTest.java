package io.certferry.core.renew;

import static io.certferry.core.renew.AriClientTest.CERT_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.LineageState;
import io.certferry.core.testing.MutableClock;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Renewal decisions against ARI answers written from RFC 9773, with a clock that only moves when told. */
class RenewalPlannerTest {
  private static final Instant NOT_BEFORE = Instant.parse("2026-10-01T00:00:00Z");
  private static final Instant NOT_AFTER = NOT_BEFORE.plus(Duration.ofDays(90)); // 2026-12-30
  private static final RenewalCandidate CERT = new RenewalCandidate("www", NOT_BEFORE, NOT_AFTER, Optional.of(CERT_ID));

  private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
  private final FractionRandom random = new FractionRandom(0.5);
  private final RenewalPlanner planner = RenewalPlanner.builder().clock(clock).random(random).build();
  private MockWebServer server;
  private Optional<RenewalInfoSource> ari;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    AriClient client = AriClient.builder().clock(clock).timeout(Duration.ofSeconds(5)).build();
    ari = Optional.of(client.source(URI.create(server.url("/acme/renewal-info").toString())));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static MockResponse window(String start, String end, String retryAfter, String explanation) {
    String ex = explanation == null ? "" : ", \"explanationURL\": \"" + explanation + "\"";
    MockResponse.Builder b = new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .body("{\"suggestedWindow\": {\"start\": \"" + start + "\", \"end\": \"" + end + "\"}" + ex + "}");
    if (retryAfter != null) {
      b.setHeader("Retry-After", retryAfter);
    }
    return b.build();
  }

  private RenewalDecision decide(LineageState state) throws InterruptedException {
    return planner.decide(CERT, RenewalPolicy.defaults(), state, ari, false);
  }

  @Test
  void windowInThePastIsDueNow() throws Exception {
    server.enqueue(window("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z", "21600", null));

    RenewalDecision d = decide(LineageState.empty());

    assertThat(d.due()).isTrue();
    assertThat(d.source()).isEqualTo(RenewalSource.ARI);
    assertThat(d.renewAt()).isBetween(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"));
    assertThat(d.replaces()).contains(CERT_ID);
    assertThat(d.state().ari().nextPoll()).isEqualTo(clock.instant().plus(Duration.ofHours(6)));
    assertThat(d.state().ari().certId()).isEqualTo(CERT_ID);
    assertThat(server.takeRequest().getTarget()).isEqualTo("/acme/renewal-info/" + CERT_ID);
  }

  @Test
  void windowInTheFutureIsNotDueAndPicksInsideIt() throws Exception {
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "21600", null));

    RenewalDecision d = decide(LineageState.empty());

    assertThat(d.due()).isFalse();
    assertThat(d.renewAt()).isEqualTo(Instant.parse("2026-12-02T00:00:00Z"));
    assertThat(d.reason()).isEqualTo("ARI window 2026-12-01T00:00Z..2026-12-03T00:00Z, chose 2026-12-02T00:00Z");
    assertThat(d.windowMoved()).isEmpty();
    assertThat(d.state().ari().windowStart()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(d.state().ari().renewAt()).isEqualTo(d.renewAt());
    assertThat(d.nextCheck()).isEqualTo(clock.instant().plus(Duration.ofHours(6)));
  }

  @Test
  void retryAfterIsHonouredAndChosenInstantStaysStable() throws Exception {
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "3600", null));
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "3600", null));
    RenewalDecision first = decide(LineageState.empty());
    random.fraction = 0.9; // a re-pick would now land elsewhere

    clock.advance(Duration.ofMinutes(59));
    RenewalDecision beforeRetry = decide(first.state());
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(beforeRetry.renewAt()).isEqualTo(first.renewAt());

    clock.advance(Duration.ofMinutes(2));
    RenewalDecision afterRetry = decide(beforeRetry.state());
    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(afterRetry.renewAt()).isEqualTo(first.renewAt());
    assertThat(afterRetry.state().ari().nextPoll()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
  }

  @Test
  void windowMovedEarlierByTheCaIsRepickedAndReportedWithExplanation() throws Exception {
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "21600", null));
    server.enqueue(window("2026-11-25T00:00:00Z", "2026-11-25T12:00:00Z", "3600",
        "https://acme.example.com/docs/incident-2026-11"));
    RenewalDecision first = decide(LineageState.empty());
    random.fraction = 0.25;

    clock.advance(Duration.ofHours(7));
    RenewalDecision moved = decide(first.state());

    assertThat(moved.renewAt()).isEqualTo(Instant.parse("2026-11-25T03:00:00Z"));
    assertThat(moved.due()).isTrue();
    assertThat(moved.windowMoved()).hasValueSatisfying(m -> assertThat(m)
        .contains("2026-12-01T00:00Z..2026-12-03T00:00Z").contains("2026-11-25T00:00Z..2026-11-25T12:00Z")
        .contains("https://acme.example.com/docs/incident-2026-11"));
    assertThat(moved.explanationUrl()).contains(URI.create("https://acme.example.com/docs/incident-2026-11"));
    assertThat(moved.state().ari().explanationUrl()).isEqualTo("https://acme.example.com/docs/incident-2026-11");
    assertThat(moved.reason()).contains("explanation: https://acme.example.com/docs/incident-2026-11");
  }

  @Test
  void aNewExplanationIsReportedOnceEvenWhenTheWindowStays() throws Exception {
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "21600",
        "https://acme.example.com/docs/incident-2026-12"));
    server.enqueue(window("2026-12-01T00:00:00Z", "2026-12-03T00:00:00Z", "21600",
        "https://acme.example.com/docs/incident-2026-12"));

    RenewalDecision first = decide(LineageState.empty());
    clock.advance(Duration.ofHours(7));
    RenewalDecision again = decide(first.state());

    assertThat(first.windowMoved()).as("the first answer already explains itself")
        .contains("the CA explains the ARI window 2026-12-01T00:00Z..2026-12-03T00:00Z: "
            + "https://acme.example.com/docs/incident-2026-12");
    assertThat(again.windowMoved()).as("told once").isEmpty();
    assertThat(again.reason()).contains("explanation: https://acme.example.com/docs/incident-2026-12");
  }

  @Test
  void malformedJsonFallsBackToLifetimeRuleWithReason() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"suggestedWindow\": [").build());

    RenewalDecision d = decide(LineageState.empty());

    assertThat(d.source()).isEqualTo(RenewalSource.LIFETIME);
    assertThat(d.renewAt()).isEqualTo(NOT_AFTER.minus(Duration.ofDays(30)));
    assertThat(d.due()).isFalse();
    assertThat(d.reason()).startsWith("ARI unavailable (").contains("malformed JSON")
        .endsWith("a third of the 90-day lifetime left on 2026-11-30");
    assertThat(d.replaces()).as("no replaces without an answer from the CA").isEmpty();

    clock.advance(Duration.ofMinutes(30));
    RenewalDecision again = decide(d.state());
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(again.source()).isEqualTo(RenewalSource.LIFETIME);
    assertThat(again.reason()).contains("next try 2026-11-25T11:00Z");
  }

  @Test
  void failedFetchKeepsAnEarlyWindowTheCaAlreadyGave() throws Exception {
    server.enqueue(window("2026-11-26T00:00:00Z", "2026-11-27T00:00:00Z", "3600", null));
    server.enqueue(new MockResponse.Builder().code(503).build());
    RenewalDecision first = decide(LineageState.empty());

    clock.advance(Duration.ofHours(2));
    RenewalDecision d = decide(first.state());

    assertThat(d.source()).isEqualTo(RenewalSource.ARI);
    assertThat(d.renewAt()).isEqualTo(first.renewAt());
    assertThat(d.reason()).startsWith("ARI unavailable (").contains("HTTP 503").contains("using the last answer");
  }

  @Test
  void renewedCertificateIgnoresTheOldCertificatesWindow() throws Exception {
    server.enqueue(window("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z", "21600", null));
    server.enqueue(window("2027-01-20T00:00:00Z", "2027-01-22T00:00:00Z", "21600", null));
    RenewalDecision old = decide(LineageState.empty());
    RenewalCandidate renewed = new RenewalCandidate("www", Instant.parse("2026-11-25T09:00:00Z"),
        Instant.parse("2027-02-23T09:00:00Z"), Optional.of("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyI"));

    RenewalDecision d = planner.decide(renewed, RenewalPolicy.defaults(), old.state(), ari, false);

    assertThat(server.getRequestCount()).isEqualTo(2);
    assertThat(d.due()).isFalse();
    assertThat(d.windowMoved()).isEmpty();
    assertThat(d.renewAt()).isEqualTo(Instant.parse("2027-01-21T00:00:00Z"));
  }

  @Test
  void windowEndingAfterExpiryFallsBackToLifetimeRule() throws Exception {
    server.enqueue(window("2027-01-01T00:00:00Z", "2027-01-03T00:00:00Z", "21600", null));

    RenewalDecision d = decide(LineageState.empty());

    assertThat(d.source()).isEqualTo(RenewalSource.LIFETIME);
    assertThat(d.reason()).contains("ends after expiry");
  }

  @Test
  void withoutAkiOrAriTheLifetimeRuleDecides() throws Exception {
    RenewalCandidate noAki = new RenewalCandidate("www", NOT_BEFORE, NOT_AFTER, Optional.empty());

    RenewalDecision withSource = planner.decide(noAki, RenewalPolicy.defaults(), LineageState.empty(), ari, false);
    RenewalDecision noSource = planner.decide(CERT, RenewalPolicy.defaults(), LineageState.empty(), Optional.empty(), false);

    assertThat(server.getRequestCount()).isZero();
    assertThat(withSource.reason()).startsWith("no ARI id");
    assertThat(noSource.reason()).isEqualTo("a third of the 90-day lifetime left on 2026-11-30");
    assertThat(noSource.state()).isEqualTo(LineageState.empty());
    assertThat(noSource.replaces()).as("no replaces without ARI at the CA").isEmpty();
  }

  @Test
  void lifetimeRuleIsDueOnceClockPassesIt() throws Exception {
    clock.set(NOT_AFTER.minus(Duration.ofDays(30)).minusSeconds(1));
    assertThat(planner.decide(CERT, RenewalPolicy.defaults(), LineageState.empty(), Optional.empty(), false).due())
        .isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(planner.decide(CERT, RenewalPolicy.defaults(), LineageState.empty(), Optional.empty(), false).due())
        .isTrue();
  }

  @Test
  void forceRenewsNowButRespectsTheCasRateLimit() throws Exception {
    RenewalDecision forced = planner.decide(CERT, RenewalPolicy.defaults(), LineageState.empty(), ari, true);
    assertThat(forced.due()).isTrue();
    assertThat(forced.source()).isEqualTo(RenewalSource.FORCED);
    assertThat(forced.replaces()).contains(CERT_ID);
    assertThat(server.getRequestCount()).isZero();
    assertThat(planner.decide(CERT, RenewalPolicy.defaults(), LineageState.empty(), Optional.empty(), true).replaces())
        .isEmpty();

    Instant limit = clock.instant().plus(Duration.ofHours(3));
    LineageState limited = LineageState.empty().withNoOrderBefore(limit);
    RenewalDecision held = planner.decide(CERT, RenewalPolicy.defaults(), limited, ari, true);
    assertThat(held.due()).isFalse();
    assertThat(held.renewAt()).isEqualTo(clock.instant());
    assertThat(held.attemptAt()).isEqualTo(limit);
    assertThat(held.hold()).isPresent();
    assertThat(held.reason()).contains("rate limit until 2026-11-25T13:00Z");
  }

  @Test
  void failureBackoffHoldsADueRenewalUnlessForced() throws Exception {
    clock.set(NOT_AFTER.minus(Duration.ofDays(5)));
    Instant retry = clock.instant().plus(Duration.ofMinutes(20));
    LineageState backoff = LineageState.empty().withFailure(
        new LineageState.Failure("validation-failed", 3, clock.instant().minus(Duration.ofHours(1)), retry, "validation failed"));

    RenewalDecision held = planner.decide(CERT, RenewalPolicy.defaults(), backoff, Optional.empty(), false);
    RenewalDecision forced = planner.decide(CERT, RenewalPolicy.defaults(), backoff, Optional.empty(), true);

    assertThat(held.due()).isFalse();
    assertThat(held.renewAt()).isEqualTo(NOT_AFTER.minus(Duration.ofDays(30)));
    assertThat(held.attemptAt()).isEqualTo(retry);
    assertThat(held.reason()).contains("after 3 failed attempt(s)");
    assertThat(forced.due()).isTrue();
  }

  @Test
  void aWindowTheCaMovesSoonIsAnEmergencyRenewedAtOnce() throws Exception {
    server.enqueue(window("2026-12-10T00:00:00Z", "2026-12-12T00:00:00Z", "21600", null));
    // A mass revocation: the new window starts tomorrow and closes in three days.
    server.enqueue(window("2026-11-26T10:00:00Z", "2026-11-28T10:00:00Z", "3600", "https://ca.example/incident"));
    RenewalDecision first = decide(LineageState.empty());
    clock.advance(Duration.ofHours(7));

    RenewalDecision moved = decide(first.state());

    assertThat(moved.due()).isTrue();
    assertThat(moved.renewAt()).isEqualTo(clock.instant());
    assertThat(moved.windowMoved().orElseThrow()).contains("renewing at once").contains("https://ca.example/incident");
    // Kept on the next poll of the same window: the emergency is not forgotten if the renewal failed.
    server.enqueue(window("2026-11-26T10:00:00Z", "2026-11-28T10:00:00Z", "3600", "https://ca.example/incident"));
    clock.advance(Duration.ofHours(2));
    assertThat(decide(moved.state()).due()).isTrue();
  }

  /** Returns a fixed fraction of the bound: the chosen instant is known in advance. */
  static final class FractionRandom implements RandomGenerator {
    double fraction;

    FractionRandom(double fraction) { this.fraction = fraction; }

    @Override
    public long nextLong() { throw new UnsupportedOperationException(); }

    @Override
    public long nextLong(long bound) { return (long) (bound * fraction); }
  }
}
