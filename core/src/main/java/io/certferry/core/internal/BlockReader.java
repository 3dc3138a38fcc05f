package io.certferry.core.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Durations;
import io.certferry.core.SettingProblem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed values out of a settings block (a Jackson tree from YAML, JSON or CLI flags) and
 * collects every problem with its JSON pointer, so a block is checked whole and each error can be
 * placed (file:line:column, or the CLI option). Not API.
 */
public final class BlockReader {
  private final JsonNode root;
  private final List<SettingProblem> problems = new ArrayList<>();

  public BlockReader(JsonNode root) { this.root = root; }

  public JsonNode root() { return root; }

  public List<SettingProblem> problems() { return List.copyOf(problems); }

  public void problem(String pointer, String message) { problems.add(new SettingProblem(pointer, message)); }

  public void addAll(List<SettingProblem> more, String under) { more.forEach(p -> problems.add(p.under(under))); }

  public JsonNode at(String pointer) { return pointer.isEmpty() ? root : root.at(pointer); }

  public boolean has(String pointer) {
    JsonNode n = at(pointer);
    return !n.isMissingNode() && !n.isNull();
  }

  /** Reports every key of the object at {@code pointer} that is not in {@code known}. */
  public void unknownKeys(String pointer, Set<String> known, String what) {
    JsonNode n = at(pointer);
    if (!n.isObject()) {
      return;
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        problems.add(SettingProblem.atKey(pointer + "/" + k, UnknownKeys.message(k, known)));
      }
    }
  }

  public Optional<String> text(String pointer) {
    JsonNode n = at(pointer);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (!n.isValueNode() || n.isBoolean()) {
      problem(pointer, "expected text here");
      return Optional.empty();
    }
    return Optional.of(n.asText());
  }

  public Optional<Boolean> bool(String pointer) {
    JsonNode n = at(pointer);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    if (n.isBoolean()) {
      return Optional.of(n.booleanValue());
    }
    if (n.isTextual() && (n.asText().equals("true") || n.asText().equals("false"))) {
      return Optional.of(Boolean.parseBoolean(n.asText())); // from a CLI flag or a quoted YAML value
    }
    problem(pointer, "expected true or false, got '" + n.asText() + "'");
    return Optional.empty();
  }

  public Optional<Integer> integer(String pointer, int min, int max) {
    JsonNode n = at(pointer);
    if (n.isMissingNode() || n.isNull()) {
      return Optional.empty();
    }
    long v;
    if (n.isIntegralNumber()) {
      v = n.asLong();
    } else if (n.isTextual() && n.asText().matches("-?\\d{1,10}")) {
      v = Long.parseLong(n.asText());
    } else {
      problem(pointer, "expected a whole number from " + min + " to " + max + ", got '" + n.asText() + "'");
      return Optional.empty();
    }
    if (v < min || v > max) {
      problem(pointer, "expected a whole number from " + min + " to " + max + ", got '" + n.asText() + "'");
      return Optional.empty();
    }
    return Optional.of((int) v);
  }

  /** A positive duration in any form {@link Durations} reads. */
  public Optional<Duration> duration(String pointer) {
    return text(pointer).flatMap(t -> {
      try {
        return Optional.of(Durations.parsePositive(t));
      } catch (IllegalArgumentException e) {
        problem(pointer, e.getMessage());
        return Optional.empty();
      }
    });
  }

  /** A list of texts; a single text counts as a list of one. */
  public List<String> texts(String pointer) {
    JsonNode n = at(pointer);
    List<String> out = new ArrayList<>();
    if (n.isMissingNode() || n.isNull()) {
      return out;
    }
    if (n.isTextual()) {
      out.add(n.asText());
      return out;
    }
    if (!n.isArray()) {
      problem(pointer, "expected a list, e.g. [a, b]");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      text(pointer + "/" + i).ifPresent(out::add);
    }
    return out;
  }
}
