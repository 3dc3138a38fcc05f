package io.certferry.core.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a failed step again: exponential in the number of consecutive failures, capped, with
 * jitter so that many targets failing together (a provider outage) do not retry in lock-step.
 * A failure that retrying cannot fix goes straight to the cap; a server's {@code Retry-After} is a floor.
 */
public final class Backoff {
  private final Duration base;
  private final Duration cap;
  private final double jitter;
  private final RandomGenerator random;

  private Backoff(Duration base, Duration cap, double jitter, RandomGenerator random) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    this.base = base;
    this.cap = cap;
    this.jitter = jitter;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** One minute doubling up to six hours, with up to 20% taken off at random. */
  public static Backoff defaults() { return of(Duration.ofMinutes(1), Duration.ofHours(6), 0.2, RandomGenerator.getDefault()); }

  /**
   * @param jitter fraction of each delay that is random: the delay lies in {@code [d * (1 - jitter), d]}
   * @param random the source of jitter; tests pass a seeded generator
   */
  public static Backoff of(Duration base, Duration cap, double jitter, RandomGenerator random) {
    return new Backoff(base, cap, jitter, random);
  }

  public Duration base() { return base; }

  public Duration cap() { return cap; }

  /** The delay before the next try after {@code failures} consecutive failures (1 for the first failure). */
  public Duration delay(int failures, boolean retryable, Optional<Duration> retryAfter) {
    Duration d = retryable ? exponential(failures) : cap;
    long millis = d.toMillis();
    long off = jitter == 0 ? 0 : (long) (millis * jitter * random.nextDouble());
    Duration jittered = Duration.ofMillis(millis - off);
    if (retryAfter.isPresent() && retryAfter.get().compareTo(jittered) > 0) {
      return retryAfter.get();
    }
    return jittered;
  }

  /** {@code now} plus {@link #delay}. */
  public Instant next(Instant now, int failures, boolean retryable, Optional<Duration> retryAfter) {
    return now.plus(delay(failures, retryable, retryAfter));
  }

  private Duration exponential(int failures) {
    int shift = Math.max(0, Math.min(failures - 1, 30));
    long millis = base.toMillis() << shift;
    return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
  }
}
