package io.certferry.core.http;

import io.certferry.core.Backoff;
import io.certferry.core.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every wait of one {@link HttpApi}: the client-side limiters, the quota the server's rate-limit headers
 * report (used up, or counted down to zero by the requests sent since), a 429's {@code Retry-After}, and
 * the backoff between failed attempts. A request that would have to wait past its deadline is not sent
 * and takes no slot; the exception then says when the budget lets work resume and quotes what the server
 * said when the quota ran out.
 */
final class RequestPacer {
  private static final Logger LOG = LoggerFactory.getLogger(RequestPacer.class);
  /** Rounds of reserving before the limiters agree on one instant; only contention makes it more than one. */
  private static final int ROUNDS = 8;

  private final Clock clock;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final List<SlidingWindowLimiter> limiters;
  private volatile Instant quotaBackAt = Instant.MIN;
  /** What the server said when it last refused for rate (scrubbed), quoted when a request is held back. */
  private volatile String lastRefusal;
  /** The server's count of requests left until {@link #serverResetAt}, less those sent since; -1: unknown. */
  private long serverRemaining = -1; // guarded by this
  private Instant serverResetAt = Instant.MIN; // guarded by this

  RequestPacer(Clock clock, Sleeper sleeper, Backoff backoff, List<SlidingWindowLimiter> limiters) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoff = backoff;
    this.limiters = List.copyOf(limiters);
  }

  Instant now() { return clock.instant(); }

  /**
   * Waits for the server's quota and a slot of every limiter; throws instead, holding no slot, when that
   * would pass the deadline.
   */
  void awaitTurn(ApiRequest request, String what, Instant deadline) throws HttpApiException {
    Instant now = clock.instant();
    Instant at = now;
    String why = null;
    Instant held = quotaHold(now);
    if (held.isAfter(at)) {
      at = held;
      why = "the API's rate limit is used up";
    }
    if (at.isAfter(deadline)) {
      throw HttpApiException.notSent(what, why, at, now, Optional.ofNullable(lastRefusal));
    }
    List<SlidingWindowLimiter> all = limiters(request);
    for (int round = 0; round < ROUNDS && !all.isEmpty(); round++) {
      Instant want = at;
      List<Instant> taken = new ArrayList<>();
      for (SlidingWindowLimiter l : all) {
        Optional<Instant> slot = l.reserve(want, deadline);
        if (slot.isEmpty()) {
          release(all, taken);
          throw HttpApiException.notSent(what, "the client-side limit of " + l.describe() + " is used up",
              l.nextFree(want), now, Optional.ofNullable(lastRefusal));
        }
        taken.add(slot.get());
        if (slot.get().isAfter(want)) {
          want = slot.get();
          why = "the client-side limit of " + l.describe() + " is used up";
        }
      }
      boolean agreed = taken.stream().allMatch(want::equals);
      if (agreed || round == ROUNDS - 1) {
        at = want; // each limiter holds a slot at `want`, or (after many rounds) before it: within its limit still
        break;
      }
      // A later limiter pushed the time on: the earlier ones take their slots again at that time.
      release(all, taken);
      at = want;
    }
    countSent();
    Duration wait = Duration.between(now, at);
    if (wait.isZero() || wait.isNegative()) {
      return;
    }
    LOG.debug("{}: waiting {} ms ({})", what, wait.toMillis(), why);
    sleep(wait, what);
  }

  private static void release(List<SlidingWindowLimiter> all, List<Instant> taken) {
    for (int i = 0; i < taken.size(); i++) {
      all.get(i).release(taken.get(i));
    }
  }

  private List<SlidingWindowLimiter> limiters(ApiRequest request) {
    if (request.limiter().isEmpty() || limiters.contains(request.limiter().get())) {
      return limiters;
    }
    List<SlidingWindowLimiter> all = new ArrayList<>(limiters);
    all.add(request.limiter().get());
    return all;
  }

  /** When the server's quota lets the next request go: after a 429's wait, or when its count has run out. */
  private synchronized Instant quotaHold(Instant now) {
    Instant at = quotaBackAt;
    if (serverRemaining == 0 && serverResetAt.isAfter(now) && serverResetAt.isAfter(at)) {
      at = serverResetAt;
    }
    return at;
  }

  /** One more request on the server's count, which other clients of the token share. */
  private synchronized void countSent() {
    if (serverRemaining > 0 && serverResetAt.isAfter(clock.instant())) {
      serverRemaining--;
    }
  }

  /** Remembers the quota an answer's rate-limit headers report: what is left and when it resets. */
  void noteQuota(Answer answer) {
    Function<String, String> h = answer::header;
    Instant now = clock.instant();
    RateLimitHeaders.exhaustedUntil(h, now).ifPresent(this::holdUntil);
    OptionalLong left = RateLimitHeaders.remaining(h);
    Optional<Instant> reset = RateLimitHeaders.resetAt(h, now);
    if (left.isPresent() && reset.isPresent()) {
      synchronized (this) {
        serverRemaining = left.getAsLong();
        serverResetAt = reset.get();
      }
    }
  }

  /** A 429: requests of this API wait until the server's time is up, and are told what it said. */
  void noteRefusal(Duration wait, String said) {
    lastRefusal = said;
    holdUntil(clock.instant().plus(wait));
  }

  private synchronized void holdUntil(Instant at) {
    if (at.isAfter(quotaBackAt)) {
      quotaBackAt = at;
    }
  }

  /** How long a 429 asks us to wait: Retry-After, else the reset header, else backoff. */
  Duration retryWait(Answer answer, int rateLimited) {
    Instant now = clock.instant();
    Function<String, String> h = answer::header;
    return RateLimitHeaders.retryAfter(h, now)
        .or(() -> RateLimitHeaders.resetAt(h, now).map(at -> at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO))
        .orElseGet(() -> backoffDelay(rateLimited));
  }

  /** Sleeps before the next try; false when that would pass the deadline. */
  boolean backOff(int failures, Instant deadline) throws HttpApiException {
    Duration d = backoffDelay(failures);
    if (clock.instant().plus(d).isAfter(deadline)) {
      return false;
    }
    sleep(d, "backoff");
    return true;
  }

  /** {@link Backoff#HTTP}: a random point in the upper half of initial * 2^(n-1), capped. */
  Duration backoffDelay(int failures) {
    return backoff.delay(failures, true, Optional.empty());
  }

  void sleep(Duration d, String what) throws HttpApiException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpApiException.network(what, "interrupted while waiting to retry", 0);
    }
  }
}
