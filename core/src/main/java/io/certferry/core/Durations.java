package io.certferry.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the durations used in config and options: {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s} or ISO-8601 {@code P30D}. */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(d|h|m|s|ms)");

  private Durations() {}

  /**
   * @throws IllegalArgumentException naming the text and the accepted forms
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "d": return Duration.ofDays(n);
        case "h": return Duration.ofHours(n);
        case "m": return Duration.ofMinutes(n);
        case "s": return Duration.ofSeconds(n);
        default: return Duration.ofMillis(n);
      }
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; write it as 30d, 12h, 90m, 45s or ISO-8601 such as P30D");
    }
  }
}
