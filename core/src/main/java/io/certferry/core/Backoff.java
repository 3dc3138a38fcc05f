package io.certferry.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * When to try a failed step again: exponential in the number of consecutive failures, capped, with
 * jitter so that many steps failing together (a CA or provider outage) do not retry in lock-step. A
 * failure that retrying cannot fix goes straight to the cap; a server's {@code Retry-After} is a floor.
 *
 * <p>This is the one backoff of Certferry. Each kind of step has a named policy:
 * <ul>
 *   <li>{@link #ISSUANCE}: a failed ACME order or local issuance, 5 minutes doubling to 6 hours. Five
 *       failed validations an hour for one name is Let's Encrypt's limit; this stays under it.</li>
 *   <li>{@link #DEPLOY}: a target that failed, 1 minute doubling to 1 hour, so a target that comes
 *       back is served within the hour even for a 6-day certificate.</li>
 *   <li>{@link #HTTP}: a retried HTTP call within one request, 1 second doubling to 30 seconds.</li>
 * </ul>
 * The policy computes instants only; the number of failures and the next attempt are kept by whoever
 * owns the step's state ({@code CertManager} for issuance and targets).
 *
 * @since 0.1
 */
public final class Backoff {
  /** A failed issuance: 5 minutes doubling to 6 hours, up to 20% taken off at random. */
  public static final Backoff ISSUANCE = new Backoff("issuance", Duration.ofMinutes(5), Duration.ofHours(6), 0.2, null);
  /** A failed deploy or verification: 1 minute doubling to 1 hour, up to 20% taken off at random. */
  public static final Backoff DEPLOY = new Backoff("deploy", Duration.ofMinutes(1), Duration.ofHours(1), 0.2, null);
  /** A retried HTTP call: 1 second doubling to 30 seconds, up to half taken off at random. */
  public static final Backoff HTTP = new Backoff("http", Duration.ofSeconds(1), Duration.ofSeconds(30), 0.5, null);

  private final String name;
  private final Duration base;
  private final Duration cap;
  private final double jitter;
  private final RandomGenerator random;

  private Backoff(String name, Duration base, Duration cap, double jitter, RandomGenerator random) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, got base " + base + ", cap " + cap);
    }
    if (jitter < 0 || jitter >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), got " + jitter);
    }
    this.name = Objects.requireNonNull(name, "name");
    this.base = base;
    this.cap = cap;
    this.jitter = jitter;
    this.random = random;
  }

  /**
   * A policy of your own.
   *
   * @param jitter fraction of each delay that is random: the delay lies in {@code [d * (1 - jitter), d]}
   * @since 0.1
   */
  public static Backoff of(String name, Duration base, Duration cap, double jitter) {
    return new Backoff(name, base, cap, jitter, null);
  }

  /**
   * The same policy drawing its jitter from {@code random} (tests pass a seeded generator).
   *
   * @since 0.1
   */
  public Backoff withRandom(RandomGenerator random) {
    return new Backoff(name, base, cap, jitter, Objects.requireNonNull(random, "random"));
  }

  /**
   * The same policy with another base and cap (configuration).
   *
   * @since 0.1
   */
  public Backoff withBounds(Duration base, Duration cap) {
    return new Backoff(name, base, cap, jitter, random);
  }

  /**
   * The policy's name, as logs and {@code state.json} show it.
   *
   * @since 0.1
   */
  public String name() { return name; }

  /**
   * The first delay, before jitter.
   *
   * @since 0.1
   */
  public Duration base() { return base; }

  /**
   * The longest delay, however many attempts failed.
   *
   * @since 0.1
   */
  public Duration cap() { return cap; }

  /**
   * The delay before the next try after {@code failures} consecutive failures (1 for the first).
   *
   * @param retryable false when retrying cannot help until something is changed: the delay is the cap
   * @param retryAfter when the far side said when to come back: the delay is at least that
   * @since 0.1
   */
  public Duration delay(int failures, boolean retryable, Optional<Duration> retryAfter) {
    Duration d = retryable ? exponential(failures) : cap;
    long millis = d.toMillis();
    long off = jitter == 0 ? 0 : (long) (millis * jitter * random().nextDouble());
    Duration jittered = Duration.ofMillis(millis - off);
    if (retryAfter.isPresent() && retryAfter.get().compareTo(jittered) > 0) {
      return retryAfter.get();
    }
    return jittered;
  }

  /**
   * {@code now} plus {@link #delay}.
   *
   * @since 0.1
   */
  public Instant next(Instant now, int failures, boolean retryable, Optional<Duration> retryAfter) {
    return now.plus(delay(failures, retryable, retryAfter));
  }

  private RandomGenerator random() { return random != null ? random : ThreadLocalRandom.current(); }

  private Duration exponential(int failures) {
    int shift = Math.max(0, Math.min(failures - 1, 30));
    long millis = base.toMillis() << shift;
    return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
  }

  @Override
  public String toString() {
    return "Backoff{" + name + ": " + Durations.format(base) + " doubling to " + Durations.format(cap) + "}";
  }
}
