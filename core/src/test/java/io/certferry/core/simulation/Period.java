package io.certferry.core.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A span of world time, {@code from} inclusive, {@code until} exclusive. */
record Period(Instant from, Instant until) {
  Period {
    if (until.isBefore(from)) {
      throw new IllegalArgumentException("period ends " + until + " before it starts " + from);
    }
  }

  static Period of(Instant from, Duration length) { return new Period(from, from.plus(length)); }

  /** From {@code from} to the end of any simulation. */
  static Period forever(Instant from) { return new Period(from, Instant.MAX); }

  boolean contains(Instant t) { return !t.isBefore(from) && t.isBefore(until); }

  Duration length() { return Duration.between(from, until); }

  /** The part of this period inside {@code other}, if any. */
  Period clip(Period other) {
    Instant a = from.isAfter(other.from) ? from : other.from;
    Instant b = until.isBefore(other.until) ? until : other.until;
    return b.isAfter(a) ? new Period(a, b) : null;
  }

  /** The periods merged where they overlap, in order. */
  static List<Period> union(List<Period> periods) {
    List<Period> sorted = new ArrayList<>(periods);
    sorted.sort(Comparator.comparing(Period::from));
    List<Period> out = new ArrayList<>();
    for (Period p : sorted) {
      Period last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && !p.from.isAfter(last.until)) {
        out.set(out.size() - 1, new Period(last.from, p.until.isAfter(last.until) ? p.until : last.until));
      } else {
        out.add(p);
      }
    }
    return out;
  }

  /** Whole minutes covered by the periods (a started minute counts). */
  static long minutes(List<Period> periods) {
    long seconds = union(periods).stream().mapToLong(p -> p.length().toSeconds()).sum();
    return (seconds + 59) / 60;
  }

  /** The first instant any of the periods covers, or null. */
  static Instant first(List<Period> periods) {
    return periods.stream().map(Period::from).min(Comparator.naturalOrder()).orElse(null);
  }
}
