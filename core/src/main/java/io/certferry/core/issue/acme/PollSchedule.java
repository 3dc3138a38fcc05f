package io.certferry.core.issue.acme;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How long to wait between two polls of an ACME resource: the CA's {@code Retry-After} when it
 * sent one, otherwise an exponential backoff from {@code initial} doubling up to {@code cap}. Never
 * past the deadline.
 *
 * <p>The default starts at 10 ms: a CA on the same network (Pebble, step-ca, a company's own) has
 * validated or issued within a few milliseconds, and the first waits were most of the time such a
 * certificate took (100 ms at first; at 20 ms, one certificate at a time still reached 74-84% of a
 * bare acme4j loop that polls every 10 ms, at 10 ms 90%). A public CA that takes a second or two costs
 * three polls more than with 100 ms (eight instead of five in the first second and a half, the first
 * one included), and its {@code Retry-After} is honoured.
 *
 * @param initial the first wait without Retry-After
 * @param cap the longest wait without Retry-After
 * @param timeout how long one resource may be polled in total
 * @since 0.1
 */
public record PollSchedule(Duration initial, Duration cap, Duration timeout) {
  /** 10 ms doubling to 3 s, for at most 3 minutes. */
  public static final PollSchedule DEFAULT =
      new PollSchedule(Duration.ofMillis(10), Duration.ofSeconds(3), Duration.ofMinutes(3));

  public PollSchedule {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(cap, "cap");
    Objects.requireNonNull(timeout, "timeout");
    if (initial.isNegative() || cap.compareTo(initial) < 0 || timeout.isNegative()) {
      throw new IllegalArgumentException("poll schedule needs 0 <= initial <= cap and a positive timeout");
    }
  }

  /**
   * The wait before poll number {@code attempt + 1} (attempt 0 is the wait after the first poll).
   *
   * @param attempt polls already waited for
   * @param retryAfter the CA's Retry-After from the last answer, if any
   * @param now the current time
   * @param deadline when polling gives up
   * @since 0.1
   */
  public Duration delay(int attempt, Optional<Instant> retryAfter, Instant now, Instant deadline) {
    Duration wanted = retryAfter.map(r -> Duration.between(now, r)).filter(d -> !d.isNegative())
        .orElseGet(() -> backoff(attempt));
    Duration left = Duration.between(now, deadline);
    return left.isNegative() ? Duration.ZERO : (wanted.compareTo(left) > 0 ? left : wanted);
  }

  private Duration backoff(int attempt) {
    long millis = initial.toMillis() << Math.min(attempt, 20);
    return millis >= cap.toMillis() ? cap : Duration.ofMillis(millis);
  }
}
