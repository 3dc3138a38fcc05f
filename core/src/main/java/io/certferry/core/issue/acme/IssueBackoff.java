package io.certferry.core.issue.acme;

import io.certferry.core.store.LineageState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When a lineage may place its next ACME order: after a rate limit not before the CA's
 * Retry-After; after failed validations, exponentially later (with jitter) so the CA's
 * failed-validation limit is never hit in a loop. Pure: state in, state out.
 */
public final class IssueBackoff {
  /** First backoff after one failure. */
  public static final Duration BASE = Duration.ofMinutes(1);
  /** Longest backoff. */
  public static final Duration CAP = Duration.ofHours(24);
  /** Wait after a rate limit that came without Retry-After. */
  public static final Duration RATE_LIMIT_DEFAULT = Duration.ofHours(1);

  private final Clock clock;
  private final DoubleSupplier random;

  /**
   * @param clock current time
   * @param random uniform numbers in [0, 1) for the jitter
   */
  public IssueBackoff(Clock clock, DoubleSupplier random) {
    this.clock = clock;
    this.random = random;
  }

  /** The reason no order may be placed now, or empty when one may. */
  public Optional<String> refusal(String lineage, LineageState state) {
    Instant now = clock.instant();
    if (state.noOrderBefore() != null && now.isBefore(state.noOrderBefore())) {
      return Optional.of(lineage + ": the CA rate-limited new orders; next order not before "
          + format(state.noOrderBefore()) + " (the CA's Retry-After)");
    }
    if (state.nextAttempt() != null && now.isBefore(state.nextAttempt())) {
      return Optional.of(lineage + ": " + state.failedAttempts() + " failed attempt(s), backing off until "
          + format(state.nextAttempt()) + "; last error: " + Optional.ofNullable(state.lastError()).orElse("unknown")
          + "; fix the cause, then wait or reset the lineage's state");
    }
    return Optional.empty();
  }

  /** State after a failed attempt: one more failure, next attempt after backoff with jitter. */
  public LineageState failed(LineageState state, String error) {
    int failures = state.failedAttempts() + 1;
    Duration wait = backoff(failures);
    return new LineageState(state.noOrderBefore(), failures, clock.instant().plus(wait), error,
        state.ariWindowStart(), state.ariWindowEnd(), state.ariRenewAt(), state.ariNextPoll(),
        state.ariExplanationUrl(), state.extra());
  }

  /** State after a rate limit: no order before {@code retryAfter} (or an hour when the CA gave none). */
  public LineageState rateLimited(LineageState state, Optional<Instant> retryAfter, String error) {
    Instant until = retryAfter.orElseGet(() -> clock.instant().plus(RATE_LIMIT_DEFAULT));
    return new LineageState(until, state.failedAttempts(), state.nextAttempt(), error,
        state.ariWindowStart(), state.ariWindowEnd(), state.ariRenewAt(), state.ariNextPoll(),
        state.ariExplanationUrl(), state.extra());
  }

  /** State after success: failures, backoff and rate limit cleared. */
  public LineageState succeeded(LineageState state) {
    return new LineageState(null, 0, null, null,
        state.ariWindowStart(), state.ariWindowEnd(), state.ariRenewAt(), state.ariNextPoll(),
        state.ariExplanationUrl(), state.extra());
  }

  /** Backoff after {@code failures} consecutive failures: BASE * 2^(n-1), capped, then 50-100 % of it (jitter). */
  Duration backoff(int failures) {
    long baseSeconds = BASE.toSeconds() << Math.min(Math.max(failures - 1, 0), 20);
    long capped = Math.min(baseSeconds, CAP.toSeconds());
    double factor = 0.5 + 0.5 * random.getAsDouble();
    return Duration.ofSeconds(Math.max(1, (long) (capped * factor)));
  }

  private static String format(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }
}
