package io.certferry.core.renew;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How instants read in decision reasons: UTC, to the minute ({@code 2026-12-02T10:11Z}) or the day. The years
 * 1000 to 9999 are written directly, the others by the pattern: {@code list} writes a reason for every lineage,
 * and {@code DateTimeFormatter} was most of what the renewal rule cost there.
 */
final class Times {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private Times() {}

  static String minute(Instant t) {
    LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    if (!fourDigitYear(d)) {
      return MINUTE.format(t);
    }
    StringBuilder b = new StringBuilder(17).append(d.toLocalDate()).append('T');
    return twoDigits(twoDigits(b, d.getHour()).append(':'), d.getMinute()).append('Z').toString();
  }

  static String day(Instant t) {
    LocalDateTime d = LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    return fourDigitYear(d) ? d.toLocalDate().toString() : DAY.format(t);
  }

  private static boolean fourDigitYear(LocalDateTime d) { return d.getYear() >= 1000 && d.getYear() <= 9999; }

  private static StringBuilder twoDigits(StringBuilder b, int n) { return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10)); }
}
