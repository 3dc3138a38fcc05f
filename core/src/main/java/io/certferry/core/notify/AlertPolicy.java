package io.certferry.core.notify;

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
 * Turns the state of a certificate into the alerts a human should get, once each: an expiry alert
 * when a certificate that should have been replaced crosses 30, 14, 7, 3 and 1 days left (and when it
 * expires), a failure alert when a renewal or a target keeps failing past a threshold, and one
 * all-clear when an alerted problem goes away. What was sent is kept in the lineage state's
 * {@code extra} map under {@code alert.*} keys, so a restart does not repeat an alert.
 *
 * @since 0.1
 */
public final class AlertPolicy {
  static final String EXPIRY = "alert.expiry";
  static final String FAIL_SINCE = "alert.fail.since.";
  static final String FAIL_SENT = "alert.fail.sent.";

  private final List<Integer> levels;
  private final Duration failureThreshold;

  private AlertPolicy(List<Integer> levels, Duration failureThreshold) {
    this.levels = levels.stream().sorted().collect(Collectors.toUnmodifiableList());
    this.failureThreshold = failureThreshold;
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
    return new AlertPolicy(daysLeftLevels, failureThreshold);
  }

  /**
   * What to send now.
   *
   * @param current the certificate's current version, if any
   * @param overdue whether the certificate should already have been replaced (renewal time passed)
   * @param failures what is failing now, by key ({@code renewal}, {@code target:<id>}), with the last error
   * @param extra the lineage state's {@code extra} map as saved by the previous pass
   * @since 0.1
   */
  public Evaluation evaluate(String certificate, Optional<StoredVersion> current, boolean overdue,
                             Map<String, String> failures, Map<String, String> extra, Instant now) {
    Map<String, String> next = new LinkedHashMap<>(extra);
    List<LifecycleEvent> alerts = new ArrayList<>();
    current.ifPresent(v -> expiry(certificate, v, overdue, next, alerts, now));
    failuresAlerts(certificate, failures, next, alerts, now);
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

  private void failuresAlerts(String cert, Map<String, String> failures, Map<String, String> extra,
                              List<LifecycleEvent> alerts, Instant now) {
    for (Map.Entry<String, String> f : failures.entrySet()) {
      String since = extra.computeIfAbsent(FAIL_SINCE + f.getKey(), k -> now.toString());
      Instant start = Instant.parse(since);
      if (!extra.containsKey(FAIL_SENT + f.getKey()) && !now.isBefore(start.plus(failureThreshold))) {
        extra.put(FAIL_SENT + f.getKey(), now.toString());
        alerts.add(alert(failureType(f.getKey()), now, cert, targetOf(f.getKey()),
            cert + " " + describe(f.getKey()) + " failing since " + since + ": " + f.getValue(),
            Map.of("alert", "failure", "since", since)));
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

  private static LifecycleEvent.Type failureType(String key) {
    return key.startsWith("target:") ? LifecycleEvent.Type.DEPLOY_FAILED : LifecycleEvent.Type.RENEWAL_FAILED;
  }

  private static Optional<String> targetOf(String key) {
    return key.startsWith("target:") ? Optional.of(key.substring(7)) : Optional.empty();
  }

  private static String describe(String key) {
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
