package io.certferry.core.notify;

import io.certferry.core.Durations;
import io.certferry.core.store.StoredVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the state of a certificate into the alerts a human should get: an expiry alert when a
 * certificate that should have been replaced crosses 30, 14, 7, 3 and 1 days left (and when it
 * expires), a failure alert when a renewal or a target keeps failing past a threshold, repeated while it
 * lasts at rising intervals (1 hour, 4 hours, 12 hours, then daily), each time with the time left before
 * expiry, and one all-clear when an alerted problem goes away. What was sent is kept in the lineage
 * state's alert map under {@code alert.*} keys, so a restart neither repeats nor forgets an alert.
 *
 * @since 0.1
 */
public final class AlertPolicy {
  static final String EXPIRY = "alert.expiry";
  static final String FAIL_SINCE = "alert.fail.since.";
  static final String FAIL_SENT = "alert.fail.sent.";
  /** The failure key of a watched endpoint whose handshake fails or whose certificate does not cover its name. */
  public static final String WATCH = "watch";

  /** Gaps between a failure alert and its reminders; the last repeats. */
  public static final List<Duration> REMINDERS = List.of(Duration.ofHours(1), Duration.ofHours(4), Duration.ofHours(12),
      Duration.ofDays(1));

  private final List<Integer> levels;
  private final Duration failureThreshold;
  private final List<Duration> reminders;

  private AlertPolicy(List<Integer> levels, Duration failureThreshold, List<Duration> reminders) {
    this.levels = levels.stream().sorted().collect(Collectors.toUnmodifiableList());
    this.failureThreshold = failureThreshold;
    this.reminders = List.copyOf(reminders);
  }

  /**
   * Expiry alerts at 30/14/7/3/1 days left; failures alerted once they persist for an hour.
   *
   * @since 0.1
   */
  public static AlertPolicy defaults() { return of(List.of(30, 14, 7, 3, 1), Duration.ofHours(1)); }

  /**
   * A policy alerting at these days-left levels, and when a failure has lasted {@code failureThreshold}.
   *
   * @since 0.1
   */
  public static AlertPolicy of(List<Integer> daysLeftLevels, Duration failureThreshold) {
    if (daysLeftLevels.isEmpty() || daysLeftLevels.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("alert levels must be whole days of at least 1, got " + daysLeftLevels);
    }
    return new AlertPolicy(daysLeftLevels, failureThreshold, REMINDERS);
  }

  /**
   * The same policy with other reminder gaps (the last repeats; empty: no reminders).
   *
   * @since 0.1
   */
  public AlertPolicy withReminders(List<Duration> gaps) { return new AlertPolicy(levels, failureThreshold, gaps); }

  /**
   * The same policy with other days-left levels (a certificate's own).
   *
   * @since 0.1
   */
  public AlertPolicy withLevels(List<Integer> daysLeftLevels) {
    return of(daysLeftLevels, failureThreshold).withReminders(reminders);
  }

  /**
   * What to send now.
   *
   * @param current the certificate's current version, if any
   * @param overdue whether the certificate should already have been replaced (renewal time passed)
   * @param failures what is failing now, by key ({@code renewal}, {@code target:<id>}, {@link #WATCH}), with the
   *     last error
   * @param extra the lineage state's {@code extra} map as saved by the previous pass
   * @since 0.1
   */
  public Evaluation evaluate(String certificate, Optional<StoredVersion> current, boolean overdue,
                             Map<String, String> failures, Map<String, String> extra, Instant now) {
    Map<String, String> next = new LinkedHashMap<>(extra);
    List<LifecycleEvent> alerts = new ArrayList<>();
    current.ifPresent(v -> expiry(certificate, v, overdue, next, alerts, now));
    failuresAlerts(certificate, current, failures, next, alerts, now);
    return new Evaluation(alerts, next);
  }

  private void expiry(String cert, StoredVersion v, boolean overdue, Map<String, String> extra,
                      List<LifecycleEvent> alerts, Instant now) {
    String sent = extra.get(EXPIRY);
    if (sent != null && !sent.startsWith(v.sha256() + ":")) {
      extra.remove(EXPIRY);
      alerts.add(alert(LifecycleEvent.Type.RECOVERED, now, cert, Optional.empty(),
          "all clear: " + cert + " was replaced and is now valid until " + v.notAfter(), Map.of("alert", "expiry")));
      sent = null;
    }
    Optional<Integer> level = level(v.notAfter(), now);
    if (!overdue || level.isEmpty()) {
      return;
    }
    int sentLevel = sent == null ? Integer.MAX_VALUE : Integer.parseInt(sent.substring(sent.indexOf(':') + 1));
    if (level.get() >= sentLevel) {
      return;
    }
    extra.put(EXPIRY, v.sha256() + ":" + level.get());
    if (level.get() == 0) {
      alerts.add(alert(LifecycleEvent.Type.EXPIRED, now, cert, Optional.empty(),
          cert + " expired at " + v.notAfter() + " and was not replaced", Map.of("alert", "expiry", "daysLeft", "0")));
    } else {
      long days = Math.max(0, Duration.between(now, v.notAfter()).toDays());
      alerts.add(alert(LifecycleEvent.Type.EXPIRING, now, cert, Optional.empty(),
          cert + " expires in " + days + " days (" + v.notAfter() + ") and has not been replaced",
          Map.of("alert", "expiry", "daysLeft", Long.toString(days), "level", Integer.toString(level.get()))));
    }
  }

  /**
   * The smallest configured level the time left falls under; 0 once expired; empty while far from expiry.
   *
   * @since 0.1
   */
  public Optional<Integer> level(Instant notAfter, Instant now) {
    if (!now.isBefore(notAfter)) {
      return Optional.of(0);
    }
    Duration left = Duration.between(now, notAfter);
    return levels.stream().filter(d -> left.compareTo(Duration.ofDays(d)) <= 0).findFirst();
  }

  /**
   * Instants at which the time left crosses a level, after {@code now}: wake-ups for a timely alert.
   *
   * @since 0.1
   */
  public List<Instant> crossings(Instant notAfter, Instant now) {
    List<Instant> out = new ArrayList<>();
    for (int d : levels) {
      Instant at = notAfter.minus(Duration.ofDays(d));
      if (at.isAfter(now)) {
        out.add(at);
      }
    }
    if (notAfter.isAfter(now)) {
      out.add(notAfter);
    }
    return out;
  }

  private void failuresAlerts(String cert, Optional<StoredVersion> current, Map<String, String> failures,
                              Map<String, String> extra, List<LifecycleEvent> alerts, Instant now) {
    for (Map.Entry<String, String> f : failures.entrySet()) {
      String since = extra.computeIfAbsent(FAIL_SINCE + f.getKey(), k -> now.toString());
      Instant start = Instant.parse(since);
      Optional<Sent> sent = Sent.parse(extra.get(FAIL_SENT + f.getKey()));
      boolean first = sent.isEmpty() && !now.isBefore(start.plus(failureThreshold));
      boolean remind = sent.isPresent() && nextReminder(sent.get()).map(at -> !now.isBefore(at)).orElse(false);
      if (first || remind) {
        int count = sent.map(x -> x.count() + 1).orElse(1);
        extra.put(FAIL_SENT + f.getKey(), count + "@" + now);
        String left = current.map(v -> "; " + timeLeft(v.notAfter(), now)).orElse("; there is no certificate yet");
        alerts.add(alert(failureType(f.getKey()), now, cert, targetOf(f.getKey()),
            cert + " " + describe(f.getKey()) + " failing since " + since + (count > 1 ? " (reminder " + (count - 1) + ")" : "")
                + ": " + f.getValue() + left,
            Map.of("alert", "failure", "since", since, "count", Integer.toString(count))));
      }
    }
    for (String key : List.copyOf(extra.keySet())) {
      if (!key.startsWith(FAIL_SINCE)) {
        continue;
      }
      String what = key.substring(FAIL_SINCE.length());
      if (failures.containsKey(what)) {
        continue;
      }
      extra.remove(key);
      if (extra.remove(FAIL_SENT + what) != null) {
        alerts.add(alert(LifecycleEvent.Type.RECOVERED, now, cert, targetOf(what),
            "all clear: " + cert + " " + describe(what) + " works again", Map.of("alert", "failure")));
      }
    }
  }

  /** How many alerts a failure had, and when the last went out ({@code count@instant}; older stores: an instant). */
  private record Sent(int count, Instant at) {
    static Optional<Sent> parse(String v) {
      if (v == null) {
        return Optional.empty();
      }
      int i = v.indexOf('@');
      return Optional.of(i < 0 ? new Sent(1, Instant.parse(v)) : new Sent(Integer.parseInt(v.substring(0, i)),
          Instant.parse(v.substring(i + 1))));
    }
  }

  private Optional<Instant> nextReminder(Sent s) {
    if (reminders.isEmpty()) {
      return Optional.empty();
    }
    Duration gap = reminders.get(Math.min(s.count() - 1, reminders.size() - 1));
    return Optional.of(s.at().plus(gap));
  }

  /**
   * When the alerts kept in {@code extra} want to be looked at again: the first alert of a failure past its
   * threshold, or the next reminder. Wake-ups, so a reminder goes out on time, not at the next pass.
   *
   * @since 0.1
   */
  public List<Instant> pending(Map<String, String> extra) {
    List<Instant> out = new ArrayList<>();
    extra.forEach((k, v) -> {
      if (k.startsWith(FAIL_SINCE)) {
        String what = k.substring(FAIL_SINCE.length());
        Optional<Sent> sent = Sent.parse(extra.get(FAIL_SENT + what));
        if (sent.isEmpty()) {
          out.add(Instant.parse(v).plus(failureThreshold));
        } else {
          nextReminder(sent.get()).ifPresent(out::add);
        }
      }
    });
    return out;
  }

  private static String timeLeft(Instant notAfter, Instant now) {
    Duration left = Duration.between(now, notAfter);
    if (left.isNegative() || left.isZero()) {
      return "the current certificate expired at " + notAfter;
    }
    return "the current certificate expires in " + Durations.format(
        left.compareTo(Duration.ofDays(2)) > 0 ? Duration.ofHours(left.toHours()) : Duration.ofMinutes(left.toMinutes()))
        + " (" + notAfter + ")";
  }

  private static LifecycleEvent.Type failureType(String key) {
    if (key.equals(WATCH)) {
      return LifecycleEvent.Type.VERIFY_FAILED;
    }
    return key.startsWith("target:") ? LifecycleEvent.Type.DEPLOY_FAILED : LifecycleEvent.Type.RENEWAL_FAILED;
  }

  private static Optional<String> targetOf(String key) {
    return key.startsWith("target:") ? Optional.of(key.substring(7)) : Optional.empty();
  }

  private static String describe(String key) {
    if (key.equals(WATCH)) {
      return "TLS check";
    }
    return key.startsWith("target:") ? "deploy to " + key.substring(7) : "renewal";
  }

  private static LifecycleEvent alert(LifecycleEvent.Type type, Instant at, String cert, Optional<String> target,
                                      String message, Map<String, String> details) {
    return new LifecycleEvent(type, at, cert, target, message, details);
  }

  /**
   * The alerts to send and the {@code extra} map to save.
   *
   * @since 0.1
   */
  public record Evaluation(List<LifecycleEvent> alerts, Map<String, String> extra) {
    public Evaluation {
      alerts = List.copyOf(alerts);
      extra = Map.copyOf(extra);
    }
  }
}
