package io.certferry.core.http;

import io.certferry.core.Backoff;
import io.certferry.core.Sleeper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every wait of one {@link HttpApi}: the client-side limiters, a quota the server said is used up
 * (rate-limit headers or a 429's {@code Retry-After}), and the backoff between failed attempts. A
 * request that would have to wait past its deadline is not sent; the exception then says when the
 * budget lets work resume and quotes what the server said when the quota ran out.
 */
final class RequestPacer {
  private static final Logger LOG = LoggerFactory.getLogger(RequestPacer.class);

  private final Clock clock;
  private final Sleeper sleeper;
  private final Backoff backoff;
  private final SlidingWindowLimiter limiter;
  private volatile Instant quotaBackAt = Instant.MIN;
  /** What the server said when it last refused for rate (scrubbed), quoted when a request is held back. */
  private volatile String lastRefusal;

  RequestPacer(Clock clock, Sleeper sleeper, Backoff backoff, SlidingWindowLimiter limiter) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.backoff = backoff;
    this.limiter = limiter;
  }

  Instant now() { return clock.instant(); }

  /** Waits for the limiters and an exhausted quota; throws instead when that would pass the deadline. */
  void awaitTurn(ApiRequest request, String what, Instant deadline) throws HttpApiException {
    Instant now = clock.instant();
    Duration wait = Duration.ZERO;
    String why = null;
    Instant backAt = quotaBackAt;
    if (backAt.isAfter(now)) {
      wait = Duration.between(now, backAt);
      why = "the API's rate limit is used up";
    }
    for (SlidingWindowLimiter l : limiters(request)) {
      Duration w = l.reserve(now.plus(wait));
      if (!w.isZero() && why == null) {
        why = "the client-side limit of " + l.describe() + " is used up";
      }
      wait = wait.plus(w);
    }
    if (wait.isZero()) {
      return;
    }
    if (now.plus(wait).isAfter(deadline)) {
      throw HttpApiException.notSent(what, why, now.plus(wait), now, Optional.ofNullable(lastRefusal));
    }
    LOG.debug("{}: waiting {} ms for the rate limit", what, wait.toMillis());
    sleep(wait, what);
  }

  private List<SlidingWindowLimiter> limiters(ApiRequest request) {
    List<SlidingWindowLimiter> all = new ArrayList<>();
    if (limiter != null) {
      all.add(limiter);
    }
    request.limiter().filter(l -> l != limiter).ifPresent(all::add);
    return all;
  }

  /** Remembers an exhausted quota from an answer's rate-limit headers. */
  void noteQuota(Answer answer) {
    Function<String, String> h = answer::header;
    RateLimitHeaders.exhaustedUntil(h, clock.instant()).ifPresent(this::holdUntil);
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
