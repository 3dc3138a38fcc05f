package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.LineageState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IssueBackoffTest {
  private final Instant now = Instant.parse("2026-03-01T12:00:00Z");
  private final Clock clock = Clock.fixed(now, ZoneOffset.UTC);

  @Test
  void failuresDoubleTheWaitWithJitterUpToADay() {
    IssueBackoff low = new IssueBackoff(clock, () -> 0.0);
    IssueBackoff high = new IssueBackoff(clock, () -> 0.999999);
    assertThat(low.backoff(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(high.backoff(1)).isBetween(Duration.ofSeconds(59), Duration.ofSeconds(60));
    assertThat(low.backoff(2)).isEqualTo(Duration.ofMinutes(1));
    assertThat(low.backoff(5)).isEqualTo(Duration.ofMinutes(8));
    assertThat(high.backoff(30)).isBetween(Duration.ofHours(23), Duration.ofHours(24));
    assertThat(low.backoff(30)).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void failedRecordsAttemptsAndNextAttemptThenSuccessClearsThem() {
    IssueBackoff b = new IssueBackoff(clock, () -> 0.0);
    LineageState s = b.failed(LineageState.empty(), "http-01 failed");
    s = b.failed(s, "http-01 failed again");
    assertThat(s.failedAttempts()).isEqualTo(2);
    assertThat(s.nextAttempt()).isEqualTo(now.plus(Duration.ofMinutes(1)));
    assertThat(s.lastError()).isEqualTo("http-01 failed again");
    assertThat(b.refusal("www", s)).get().asString().contains("2 failed attempt(s)").contains("2026-03-01T12:01:00Z");

    LineageState ok = b.succeeded(s);
    assertThat(ok.failedAttempts()).isZero();
    assertThat(ok.nextAttempt()).isNull();
    assertThat(ok.lastError()).isNull();
    assertThat(b.refusal("www", ok)).isEmpty();
  }

  @Test
  void rateLimitHoldsOrdersUntilRetryAfterOrAnHour() {
    IssueBackoff b = new IssueBackoff(clock, () -> 0.5);
    Instant retry = now.plus(Duration.ofHours(3));
    LineageState s = b.rateLimited(LineageState.empty(), Optional.of(retry), "too many certificates");
    assertThat(s.noOrderBefore()).isEqualTo(retry);
    assertThat(b.refusal("www", s)).get().asString().contains("rate-limited").contains("2026-03-01T15:00:00Z");
    // once the time has passed, orders are allowed again
    IssueBackoff later = new IssueBackoff(Clock.fixed(retry.plusSeconds(1), ZoneOffset.UTC), () -> 0.5);
    assertThat(later.refusal("www", s)).isEmpty();
    assertThat(b.rateLimited(LineageState.empty(), Optional.empty(), "x").noOrderBefore()).isEqualTo(now.plus(Duration.ofHours(1)));
  }

  @Test
  void keepsAriFieldsUntouched() {
    LineageState ari = new LineageState(null, 0, null, null, now, now.plusSeconds(60), now.plusSeconds(30), now,
        "https://ca.example/why", java.util.Map.of("k", "v"));
    IssueBackoff b = new IssueBackoff(clock, () -> 0.5);
    LineageState s = b.succeeded(b.rateLimited(b.failed(ari, "e"), Optional.empty(), "r"));
    assertThat(s.ariWindowStart()).isEqualTo(now);
    assertThat(s.ariExplanationUrl()).isEqualTo("https://ca.example/why");
    assertThat(s.extra()).containsEntry("k", "v");
  }
}
