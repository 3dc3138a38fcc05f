package io.certferry.core;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one reader of durations in Certferry: config files, CLI options, lineage options and provider
 * settings all go through it, so a value accepted in one place is accepted everywhere.
 *
 * <p>Forms: a number and a unit ({@code 500ms}, {@code 45s}, {@code 90m}, {@code 12h}, {@code 30d},
 * {@code 2w}), several of them in a row from the largest unit down ({@code 1h30m}, {@code 2d12h}), or
 * ISO-8601 ({@code P30D}, {@code PT1H30M}). Case and surrounding white space do not matter.
 *
 * @since 0.1
 */
public final class Durations {
  /** What every error message offers as the accepted forms. */
  public static final String FORMS = "write it as 500ms, 45s, 90m, 12h, 30d, 2w, a combination such as 1h30m, "
      + "or ISO-8601 such as P30D";
  private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");
  private static final Pattern WHOLE = Pattern.compile("(\\d+\\s*(ms|s|m|h|d|w)\\s*)+");
  private static final String ORDER = "w d h m s ms";

  private Durations() {}

  /**
   * Reads a duration.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   * @since 0.1
   */
  public static Duration parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    if (WHOLE.matcher(t).matches()) {
      try {
        return compound(text, t);
      } catch (ArithmeticException | NumberFormatException e) {
        throw new IllegalArgumentException("'" + text + "' is longer than any duration can be; " + FORMS);
      }
    }
    try {
      return Duration.parse(t.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a duration; " + FORMS);
    }
  }

  /**
   * Reads a duration that must be longer than zero.
   *
   * @throws IllegalArgumentException naming the text and the accepted forms
   * @since 0.1
   */
  public static Duration parsePositive(String text) {
    Duration d = parse(text);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException("'" + text + "' must be longer than zero; write e.g. 30d or 12h");
    }
    return d;
  }

  private static Duration compound(String original, String t) {
    Matcher m = PART.matcher(t);
    Duration total = Duration.ZERO;
    int lastRank = -1;
    while (m.find()) {
      int rank = rank(m.group(2));
      if (rank <= lastRank) {
        throw new IllegalArgumentException("'" + original + "' is not a duration: give each unit once, largest "
            + "first (e.g. 1h30m); " + FORMS);
      }
      lastRank = rank;
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "w" -> Duration.ofDays(Math.multiplyExact(7, n));
        case "d" -> Duration.ofDays(n);
        case "h" -> Duration.ofHours(n);
        case "m" -> Duration.ofMinutes(n);
        case "s" -> Duration.ofSeconds(n);
        default -> Duration.ofMillis(n);
      });
    }
    return total;
  }

  private static int rank(String unit) {
    return List.of(ORDER.split(" ")).indexOf(unit);
  }

  /**
   * A duration the way the compact form writes it, largest unit first: {@code 30d}, {@code 1h30m},
   * {@code 45s}, {@code 0s}. {@code parse(format(d))} gives {@code d} back for whole milliseconds.
   *
   * @since 0.1
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder(d.isNegative() ? "-" : "");
    Duration left = d.abs();
    long days = left.toDays();
    if (days > 0) {
      out.append(days).append('d');
      left = left.minusDays(days);
    }
    long hours = left.toHours();
    if (hours > 0) {
      out.append(hours).append('h');
      left = left.minusHours(hours);
    }
    long minutes = left.toMinutes();
    if (minutes > 0) {
      out.append(minutes).append('m');
      left = left.minusMinutes(minutes);
    }
    long seconds = left.toSeconds();
    if (seconds > 0) {
      out.append(seconds).append('s');
      left = left.minusSeconds(seconds);
    }
    if (left.toMillis() > 0) {
      out.append(left.toMillis()).append("ms");
    }
    return out.toString();
  }
}
