package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Set;

/** {@code schedule:} how often the loop runs at the latest, how many certificates at once, how long a target may take. */
final class ScheduleSection {
  static final Set<String> KEYS = Set.of("maxInterval", "parallelism", "targetTimeout");
  static final Duration DEFAULT_MAX_INTERVAL = Duration.ofHours(12);
  static final int DEFAULT_PARALLELISM = 4;
  static final Duration DEFAULT_TARGET_TIMEOUT = Duration.ofMinutes(10);
  /** A pass comes at least this often; the agent wakes for every renewal, retry and alert on its own. */
  static final Duration MAX_MAX_INTERVAL = Duration.ofDays(365);
  /** No target answers faster than this (an API call, a reload, a handshake): less fails every deploy. */
  static final Duration MIN_TARGET_TIMEOUT = Duration.ofSeconds(1);
  /** A deploy that takes longer than a day is hung, not slow. */
  static final Duration MAX_TARGET_TIMEOUT = Duration.ofDays(1);

  private final Problems problems;
  private final Values values;

  ScheduleSection(Problems problems, Values values) {
    this.problems = problems;
    this.values = values;
  }

  AgentConfig.Schedule check(JsonNode n) {
    problems.unknownKeys("/schedule", n, KEYS);
    return new AgentConfig.Schedule(
        values.duration("/schedule/maxInterval", n.get("maxInterval"), null, MAX_MAX_INTERVAL).orElse(DEFAULT_MAX_INTERVAL),
        values.integer("/schedule/parallelism", n.get("parallelism"), 1, 256).orElse(DEFAULT_PARALLELISM),
        values.duration("/schedule/targetTimeout", n.get("targetTimeout"), MIN_TARGET_TIMEOUT, MAX_TARGET_TIMEOUT).orElse(DEFAULT_TARGET_TIMEOUT));
  }
}
