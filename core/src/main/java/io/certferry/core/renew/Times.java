package io.certferry.core.renew;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How instants read in decision reasons: UTC, to the minute ({@code 2026-12-02T10:11Z}) or the day. */
final class Times {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private Times() {}

  static String minute(Instant t) { return MINUTE.format(t); }

  static String day(Instant t) { return DAY.format(t); }
}
