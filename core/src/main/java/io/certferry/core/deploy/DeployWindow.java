package io.certferry.core.deploy;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A maintenance window: when a target may be changed. Written as {@code DAYS FROM-TO ZONE}:
 * {@code Sat 02:00-05:00 America/Toronto}, {@code Mon-Fri 22:00-06:00 UTC} (past midnight: until 06:00
 * the next day), {@code daily 03:00-04:00 Europe/Berlin}, {@code Sat,Sun 00:00-24:00 UTC}. Times are wall
 * clock in the zone, so a window keeps its local hours across daylight-saving changes.
 *
 * @since 0.1
 */
public final class DeployWindow {
  private static final Pattern FORM = Pattern.compile("(\\S+)\\s+(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})\\s+(\\S+)");
  /** How far ahead openings are looked for: more than a week, so every window is found. */
  private static final int HORIZON_DAYS = 9;

  private final String text;
  private final Set<DayOfWeek> days;
  private final LocalTime from;
  private final Duration length;
  private final ZoneId zone;

  private DeployWindow(String text, Set<DayOfWeek> days, LocalTime from, Duration length, ZoneId zone) {
    this.text = text;
    this.days = days;
    this.from = from;
    this.length = length;
    this.zone = zone;
  }

  /**
   * Reads a window.
   *
   * @throws IllegalArgumentException naming the text, what is wrong and the form to write
   * @since 0.1
   */
  public static DeployWindow parse(String text) {
    String t = text == null ? "" : text.strip();
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("window '" + text + "' is not DAYS HH:MM-HH:MM ZONE; write e.g. "
          + "\"Sat 02:00-05:00 America/Toronto\" or \"Mon-Fri 22:00-06:00 UTC\"");
    }
    Set<DayOfWeek> days = days(text, m.group(1));
    LocalTime from = time(text, m.group(2), m.group(3));
    int toHour = Integer.parseInt(m.group(4));
    int toMinute = Integer.parseInt(m.group(5));
    if (toHour > 24 || toMinute > 59 || toHour == 24 && toMinute > 0) {
      throw new IllegalArgumentException("window '" + text + "': " + m.group(4) + ":" + m.group(5) + " is not a time of day");
    }
    long fromMinutes = from.getHour() * 60L + from.getMinute();
    long toMinutes = toHour * 60L + toMinute;
    long minutes = toMinutes > fromMinutes ? toMinutes - fromMinutes : toMinutes + 24 * 60 - fromMinutes;
    if (toMinutes == fromMinutes) {
      throw new IllegalArgumentException("window '" + text + "' never opens: it ends when it starts; give it a length, "
          + "e.g. 02:00-05:00");
    }
    ZoneId zone;
    try {
      zone = ZoneId.of(m.group(6));
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("window '" + text + "': '" + m.group(6) + "' is not a time zone; write UTC or a "
          + "region such as America/Toronto");
    }
    return new DeployWindow(t, days, from, Duration.ofMinutes(minutes), zone);
  }

  private static Set<DayOfWeek> days(String text, String spec) {
    if (spec.equalsIgnoreCase("daily")) {
      return EnumSet.allOf(DayOfWeek.class);
    }
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String part : spec.split(",")) {
      String[] range = part.split("-", -1);
      if (range.length > 2) {
        throw new IllegalArgumentException("window '" + text + "': '" + part + "' is not a day or a range of days");
      }
      DayOfWeek a = day(text, range[0]);
      DayOfWeek b = range.length == 2 ? day(text, range[1]) : a;
      for (DayOfWeek d = a; ; d = d.plus(1)) {
        out.add(d);
        if (d == b) {
          break;
        }
      }
    }
    return out;
  }

  private static DayOfWeek day(String text, String name) {
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      if (full.equalsIgnoreCase(name) || full.substring(0, 3).equalsIgnoreCase(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("window '" + text + "': '" + name + "' is not a day; use Mon, Tue, Wed, Thu, Fri, "
        + "Sat, Sun, ranges such as Mon-Fri, or daily");
  }

  private static LocalTime time(String text, String hour, String minute) {
    int h = Integer.parseInt(hour);
    int mi = Integer.parseInt(minute);
    if (h > 23 || mi > 59) {
      throw new IllegalArgumentException("window '" + text + "': " + hour + ":" + minute + " is not a time of day");
    }
    return LocalTime.of(h, mi);
  }

  /**
   * Whether the window is open at {@code t}.
   *
   * @since 0.1
   */
  public boolean isOpen(Instant t) {
    return openings(t.minus(length).minus(Duration.ofDays(1)), 2 + (int) length.toDays()).stream()
        .anyMatch(o -> !t.isBefore(o) && t.isBefore(o.plus(length)));
  }

  /**
   * {@code t} when the window is open then, else when it next opens.
   *
   * @since 0.1
   */
  public Instant nextOpening(Instant t) {
    if (isOpen(t)) {
      return t;
    }
    return openings(t, HORIZON_DAYS).stream().filter(o -> o.isAfter(t)).findFirst()
        .orElseThrow(() -> new IllegalStateException("window '" + text + "' has no opening within a week"));
  }

  /**
   * When the window that is open at {@code t} closes; {@code t} when it is closed.
   *
   * @since 0.1
   */
  public Instant closes(Instant t) {
    for (Instant o : openings(t.minus(length).minus(Duration.ofDays(1)), 2 + (int) length.toDays())) {
      if (!t.isBefore(o) && t.isBefore(o.plus(length))) {
        return o.plus(length);
      }
    }
    return t;
  }

  /**
   * The longest the window stays shut over a week: the worst wait for a change outside it.
   *
   * @since 0.1
   */
  public Duration longestClosed() {
    Instant start = Instant.parse("2026-01-05T00:00:00Z"); // any week will do; DST makes an hour of difference
    List<Instant> opens = openings(start, HORIZON_DAYS * 2);
    Duration longest = Duration.ZERO;
    for (int i = 1; i < opens.size(); i++) {
      Duration gap = Duration.between(opens.get(i - 1).plus(length), opens.get(i));
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
    }
    return longest;
  }

  /** Openings from the day of {@code from} on, for {@code days} days, in order. */
  private List<Instant> openings(Instant start, int count) {
    List<Instant> out = new ArrayList<>();
    LocalDate day = start.atZone(zone).toLocalDate();
    for (int i = 0; i <= count; i++) {
      LocalDate d = day.plusDays(i);
      if (days.contains(d.getDayOfWeek())) {
        out.add(ZonedDateTime.of(d, from, zone).toInstant());
      }
    }
    return out;
  }

  /**
   * The earliest instant at or after {@code t} that any of the windows is open; {@code t} without windows.
   *
   * @since 0.1
   */
  public static Instant nextOpening(List<DeployWindow> windows, Instant t) {
    return windows.stream().map(w -> w.nextOpening(t)).min(Instant::compareTo).orElse(t);
  }

  /**
   * Whether any of the windows is open at {@code t}; true without windows.
   *
   * @since 0.1
   */
  public static boolean anyOpen(List<DeployWindow> windows, Instant t) {
    return windows.isEmpty() || windows.stream().anyMatch(w -> w.isOpen(t));
  }

  /**
   * The first window of {@code windows}, for messages.
   *
   * @since 0.1
   */
  public static Optional<DeployWindow> first(List<DeployWindow> windows) {
    return windows.stream().findFirst();
  }

  @Override
  public boolean equals(Object o) { return o instanceof DeployWindow w && w.text.equals(text); }

  @Override
  public int hashCode() { return Objects.hash(text); }

  @Override
  public String toString() { return text; }
}
