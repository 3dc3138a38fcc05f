package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.internal.UnknownKeys;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The problems of one config file as its sections find them, each placed at the line and column of
 * the setting it names (a JSON pointer into the {@link LocatedYaml}). Errors stop the agent;
 * warnings are printed and it starts.
 */
final class Problems {
  private static final Comparator<ConfigProblem> BY_PLACE =
      Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column);

  private final LocatedYaml doc;
  private final List<ConfigProblem> errors = new ArrayList<>();
  private final List<ConfigProblem> warnings = new ArrayList<>();

  /** Starts with the duplicate keys found while reading. */
  Problems(LocatedYaml doc) {
    this.doc = doc;
    errors.addAll(doc.duplicates());
  }

  /** An error at the value of {@code pointer}. */
  void error(String pointer, String message) {
    errors.add(at(doc.valueAt(pointer), pointer, message));
  }

  /** An error at the key of {@code pointer} (an unknown or misplaced setting). */
  void errorAtKey(String pointer, String message) {
    errors.add(at(doc.keyAt(pointer), pointer, message));
  }

  /** A warning at the value of {@code pointer}. */
  void warn(String pointer, String message) {
    warnings.add(at(doc.valueAt(pointer), pointer, message));
  }

  boolean hasErrors() { return !errors.isEmpty(); }

  /** Every error, sorted by place so the report reads top to bottom. */
  ConfigException failure() {
    List<ConfigProblem> all = new ArrayList<>(errors);
    all.sort(BY_PLACE);
    return new ConfigException(all);
  }

  /** Every warning, sorted by place. */
  List<ConfigProblem> warnings() {
    List<ConfigProblem> all = new ArrayList<>(warnings);
    all.sort(BY_PLACE);
    return all;
  }

  /** An error for each key of the mapping {@code node} that is not in {@code known}, with a "did you mean". */
  void unknownKeys(String pointer, JsonNode node, Set<String> known) {
    if (!node.isObject()) {
      return;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        errorAtKey(pointer + "/" + k, UnknownKeys.message(k, known));
      }
    }
  }

  private static ConfigProblem at(LocatedYaml.Position p, String pointer, String message) {
    return new ConfigProblem(p.line(), p.column(), ConfigProblem.display(pointer), message);
  }

}
