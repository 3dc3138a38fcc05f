package io.certferry.core.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The one reader of the {@code Retry-After} header (RFC 9110 section 10.2.3): delay-seconds or an
 * HTTP-date. Used by {@link HttpApi} for 429 answers and by the ARI client for its poll interval.
 *
 * @since 0.1
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * How long the header asks the client to wait, measured from {@code now}; never negative (a date in
   * the past is zero). Empty when the header is absent, blank or neither form.
   *
   * @since 0.1
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.trim();
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

  private static Duration nonNegative(Duration d) { return d.isNegative() ? Duration.ZERO : d; }
}
