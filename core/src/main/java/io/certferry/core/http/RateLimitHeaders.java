package io.certferry.core.http;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Reads the headers APIs use to say "slow down": {@code Retry-After} (through {@link RetryAfter}),
 * DigitalOcean's {@code ratelimit-remaining}/{@code ratelimit-reset} and DNSimple's and Netlify's
 * {@code X-RateLimit-Remaining}/{@code X-RateLimit-Reset} (both resets are epoch seconds).
 */
final class RateLimitHeaders {
  /** Reset values below this are read as seconds from now, as some APIs send them. */
  private static final long EPOCH_THRESHOLD = 1_000_000_000L;

  private RateLimitHeaders() {}

  /** How long Retry-After asks us to wait, from {@code now}. */
  static Optional<Duration> retryAfter(Function<String, String> headers, Instant now) {
    return RetryAfter.parse(headers.apply("Retry-After"), now);
  }

  /** When the quota is back, if the answer says it is used up (remaining 0) and when it resets. */
  static Optional<Instant> exhaustedUntil(Function<String, String> headers, Instant now) {
    String remaining = first(headers, "ratelimit-remaining", "X-RateLimit-Remaining");
    if (remaining == null) {
      return Optional.empty();
    }
    try {
      if (Long.parseLong(remaining.trim()) > 0) {
        return Optional.empty();
      }
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return resetAt(headers, now);
  }

  /** Requests left in the current window, from the remaining header. */
  static OptionalLong remaining(Function<String, String> headers) {
    String remaining = first(headers, "ratelimit-remaining", "X-RateLimit-Remaining");
    if (remaining == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Math.max(0, Long.parseLong(remaining.trim())));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The instant the quota resets, from the reset header. */
  static Optional<Instant> resetAt(Function<String, String> headers, Instant now) {
    String reset = first(headers, "ratelimit-reset", "X-RateLimit-Reset");
    if (reset == null) {
      return Optional.empty();
    }
    try {
      long n = Long.parseLong(reset.trim());
      return Optional.of(n >= EPOCH_THRESHOLD ? Instant.ofEpochSecond(n) : now.plusSeconds(n));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static String first(Function<String, String> headers, String... names) {
    for (String n : names) {
      String v = headers.apply(n);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
