package io.certferry.core.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A client-side limit of at most {@code permits} requests in any window of {@code period}, for APIs
 * that document a hard limit, such as DigitalOcean's CDN endpoints (5 requests per 10 seconds).
 *
 * <p>A sliding log rather than a token bucket: a bucket refilling at 5 per 10 s lets up to 9 requests
 * into one 10 s window after an idle spell, which such an API answers with 429. One limiter may be
 * shared by several {@link HttpApi}s that use the same account. Thread-safe.
 *
 * @since 0.1
 */
public final class SlidingWindowLimiter {
  private final int permits;
  private final Duration period;
  private final Deque<Instant> granted = new ArrayDeque<>();

  public SlidingWindowLimiter(int permits, Duration period) {
    if (permits < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a limiter needs at least one permit in a positive period");
    }
    this.permits = permits;
    this.period = period;
  }

  /**
   * Reserves the next slot and says how long the caller must wait, from {@code now}, before using it.
   * The slot stays reserved: a caller that gives up instead of waiting still counts against the limit,
   * which errs on the safe side.
   *
   * @since 0.1
   */
  public synchronized Duration reserve(Instant now) {
    while (!granted.isEmpty() && !granted.peekFirst().plus(period).isAfter(now)) {
      granted.removeFirst();
    }
    Instant at = now;
    if (granted.size() >= permits) {
      // The slot frees when the request `permits` places back leaves the window.
      Instant[] all = granted.toArray(new Instant[0]);
      at = all[all.length - permits].plus(period);
      if (at.isBefore(now)) {
        at = now;
      }
    }
    granted.addLast(at);
    return Duration.between(now, at);
  }

  /** {@code 5 requests per 10 s}, for messages. */
  String describe() { return permits + " requests per " + period.toSeconds() + " s"; }

  @Override
  public String toString() { return "SlidingWindowLimiter{" + permits + " per " + period + "}"; }
}
