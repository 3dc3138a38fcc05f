package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Durations;

import java.time.Duration;
import java.util.Optional;

/**
 * Reads typed values out of the config tree, reporting a value of the wrong kind as a problem at its
 * place and returning empty, so the section goes on and every problem is found in one run. An
 * absent (or {@code null}) value is empty without a problem: the section's default applies.
 */
final class Values {
  private final Problems problems;

  Values(Problems problems) { this.problems = problems; }

  /** A scalar as text (numbers included); a mapping, list or boolean is a problem. */
  Optional<String> text(String pointer, JsonNode n) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode() || n.isBoolean()) {
      problems.error(pointer, "expected text here");
      return Optional.empty();
    }
    return Optional.of(n.asText());
  }

  /** A duration in any form {@link Durations} reads, longer than zero. */
  Optional<Duration> duration(String pointer, JsonNode n) {
    return duration(pointer, n, null, null);
  }

  /**
   * A duration in any form {@link Durations} reads, from {@code min} to {@code max} (null: longer than
   * zero, no limit): what the setting can mean, well before the agent's arithmetic with it could overflow.
   */
  Optional<Duration> duration(String pointer, JsonNode n, Duration min, Duration max) {
    return text(pointer, n).flatMap(t -> {
      try {
        Duration d = Durations.parse(t);
        if (d.isNegative() || d.isZero()) {
          problems.error(pointer, "'" + t + "' must be longer than zero");
          return Optional.empty();
        }
        if (min != null && d.compareTo(min) < 0) {
          problems.error(pointer, "'" + t.strip() + "' is shorter than this setting takes; give at least " + Durations.format(min));
          return Optional.empty();
        }
        if (max != null && d.compareTo(max) > 0) {
          problems.error(pointer, "'" + t.strip() + "' is longer than this setting takes; give at most " + Durations.format(max));
          return Optional.empty();
        }
        return Optional.of(d);
      } catch (IllegalArgumentException e) {
        problems.error(pointer, e.getMessage());
        return Optional.empty();
      }
    });
  }

  /** {@code true} or {@code false}. */
  Optional<Boolean> bool(String pointer, JsonNode n) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isBoolean()) {
      problems.error(pointer, "expected true or false, got '" + n.asText() + "'");
      return Optional.empty();
    }
    return Optional.of(n.booleanValue());
  }

  /** A whole number from {@code min} to {@code max}. */
  Optional<Integer> integer(String pointer, JsonNode n, int min, int max) {
    if (n == null || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < min || n.asLong() > max) {
      problems.error(pointer, "expected a whole number from " + min + " to " + max + ", got '" + n.asText() + "'");
      return Optional.empty();
    }
    return Optional.of(n.asInt());
  }
}
