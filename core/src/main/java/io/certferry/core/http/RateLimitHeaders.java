package io.certferry.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the headers APIs use to say "slow down": {@code Retry-After} (seconds or an HTTP date, RFC 9110),
 * DigitalOcean's {@code ratelimit-remaining}/{@code ratelimit-reset} and DNSimple's and Netlify's
 * {@code X-RateLimit-Remaining}/{@code X-RateLimit-Reset} (both resets are epoch seconds).
 */
final class RateLimitHeaders {
  /** Reset values below this are read as seconds from now, as some APIs send them. */
  private static final long EPOCH_THRESHOLD = 1_000_000_000L;

  private RateLimitHeaders() {}

  /** How long Retry-After asks us to wait, from {@code now}. */
  static Optional<Duration> retryAfter(Function<String, String> headers, Instant now) {
    String v = headers.apply("Retry-After");
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    v = v.trim();
    try {
      return Optional.of(nonNegative(Duration.ofSeconds(Long.parseLong(v))));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        return Optional.of(nonNegative(Duration.between(now, at)));
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
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

  private static Duration nonNegative(Duration d) { return d.isNegative() ? Duration.ZERO : d; }
}
