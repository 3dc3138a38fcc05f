package io.certferry.core.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client-side limit of at most {@code permits} requests in any window of {@code period}, for APIs
 * that document a hard limit, such as DigitalOcean's CDN endpoints (5 requests per 10 seconds) or its
 * 250 requests a minute and 5,000 an hour per token.
 *
 * <p>A sliding log rather than a token bucket: a bucket refilling at 5 per 10 s lets up to 9 requests
 * into one 10 s window after an idle spell, which such an API answers with 429. Slots are handed out in
 * order: a slot reserved for later keeps everyone after it later still. One limiter may be shared by
 * several {@link HttpApi}s that use the same account ({@link #perAccount}). Thread-safe.
 *
 * @since 0.1
 */
public final class SlidingWindowLimiter {
  /** Limiters by account, limit and period, for every client of this process that uses the account. */
  private static final Map<String, SlidingWindowLimiter> BY_ACCOUNT = new ConcurrentHashMap<>();

  /** The most an account's limiter adds to its window: see {@link #perAccount}. */
  private static final Duration MAX_MARGIN = Duration.ofSeconds(2);

  private final int permits;
  private final Duration period;
  /** Added to the window when a slot frees: a request sent after its slot must still be out of the server's. */
  private final Duration margin;
  private final Deque<Instant> granted = new ArrayDeque<>(); // ascending

  public SlidingWindowLimiter(int permits, Duration period) {
    this(permits, period, Duration.ZERO);
  }

  private SlidingWindowLimiter(int permits, Duration period, Duration margin) {
    if (permits < 1 || period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("a limiter needs at least one permit in a positive period");
    }
    this.permits = permits;
    this.period = period;
    this.margin = margin;
  }

  /**
   * The limiter of an account for one published limit, shared by every client of this process that uses the
   * account, so that the limit holds however many targets and providers send for it. Its window is longer
   * than the server's by a twentieth of the period, at most 2 s: the server counts a request when it arrives,
   * which is after its slot (a thread woken late, a connection set up), so a window of exactly the period
   * lets the server see one request too many in it (the provider bench saw 11 429s in 556 requests). It also
   * keeps back a twenty-fifth of the permits (none of fewer than 25): requests held up longer than the margin
   * arrive bunched, and the headroom absorbs them (with the margin alone the same bench saw 2 429s in 3,045
   * requests on a loaded machine).
   *
   * @param account names the account without holding a secret: the API's URL and a digest of the token,
   *     never the token itself
   *
   * @since 0.1
   */
  public static SlidingWindowLimiter perAccount(String account, int permits, Duration period) {
    return BY_ACCOUNT.computeIfAbsent(account + "|" + permits + "/" + period,
        k -> new SlidingWindowLimiter(permits - permits / 25, period, min(period.dividedBy(20), MAX_MARGIN)));
  }

  /**
   * Reserves the next slot and says how long the caller must wait, from {@code now}, before using it.
   * The slot stays reserved: a caller that gives up instead of waiting still counts against the limit,
   * which errs on the safe side.
   *
   * @since 0.1
   */
  public Duration reserve(Instant now) {
    return Duration.between(now, reserve(now, Instant.MAX).orElseThrow());
  }

  /**
   * Reserves the first free slot at or after {@code at}, when it is no later than {@code latest}; otherwise
   * reserves nothing and answers empty ({@link #nextFree} then says when a slot would be free).
   *
   * @since 0.1
   */
  public synchronized Optional<Instant> reserve(Instant at, Instant latest) {
    Instant slot = nextFree(at);
    if (slot.isAfter(latest)) {
      return Optional.empty();
    }
    granted.addLast(slot);
    // A later slot is never before this one, so what left the window before it never counts again.
    while (!granted.peekFirst().plus(period).plus(margin).isAfter(slot)) {
      granted.removeFirst();
    }
    return Optional.of(slot);
  }

  /**
   * The first instant at or after {@code at} a request may go without passing the limit; nothing reserved.
   *
   * @since 0.1
   */
  public synchronized Instant nextFree(Instant at) {
    Instant slot = granted.isEmpty() || !granted.peekLast().isAfter(at) ? at : granted.peekLast();
    if (granted.size() >= permits) {
      // The slot frees when the request `permits` places back leaves the window.
      Iterator<Instant> back = granted.descendingIterator();
      Instant kth = back.next();
      for (int i = 1; i < permits; i++) {
        kth = back.next();
      }
      Instant free = kth.plus(period).plus(margin);
      if (free.isAfter(slot)) {
        slot = free;
      }
    }
    return slot;
  }

  /**
   * Gives back a slot {@link #reserve(Instant, Instant)} handed out for a request that was not sent after all.
   *
   * @since 0.1
   */
  public synchronized void release(Instant slot) {
    granted.removeLastOccurrence(slot);
  }

  private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

  /** {@code 5 requests per 10 s}, for messages. */
  String describe() { return permits + " requests per " + period.toSeconds() + " s"; }

  @Override
  public String toString() { return "SlidingWindowLimiter{" + permits + " per " + period + "}"; }
}
