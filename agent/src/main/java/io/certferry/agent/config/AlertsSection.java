package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** {@code alerts:} the days-left levels of expiry alerts and how long a failure lasts before it is alerted. */
final class AlertsSection {
  static final Set<String> KEYS = Set.of("levels", "failureThreshold");
  static final List<Integer> DEFAULT_LEVELS = List.of(30, 14, 7, 3, 1);
  static final Duration DEFAULT_FAILURE_THRESHOLD = Duration.ofHours(1);
  /** A failure lasting a year is past alerting. */
  static final Duration MAX_FAILURE_THRESHOLD = Duration.ofDays(365);

  private final Problems problems;
  private final Values values;

  AlertsSection(Problems problems, Values values) {
    this.problems = problems;
    this.values = values;
  }

  AgentConfig.Alerts check(JsonNode n) {
    problems.unknownKeys("/alerts", n, KEYS);
    List<Integer> levels = new ArrayList<>(DEFAULT_LEVELS);
    JsonNode l = n.get("levels");
    if (l != null) {
      if (!l.isArray() || l.isEmpty()) {
        problems.error("/alerts/levels", "expected a list of days left, e.g. levels: [30, 14, 7, 3, 1]");
      } else {
        levels.clear();
        for (int i = 0; i < l.size(); i++) {
          values.integer("/alerts/levels/" + i, l.get(i), 1, 3650).ifPresent(levels::add);
        }
      }
    }
    return new AgentConfig.Alerts(levels,
        values.duration("/alerts/failureThreshold", n.get("failureThreshold"), null, MAX_FAILURE_THRESHOLD).orElse(DEFAULT_FAILURE_THRESHOLD));
  }
}
