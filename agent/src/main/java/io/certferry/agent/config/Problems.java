package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

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
        errorAtKey(pointer + "/" + k, "unknown key '" + k + "'" + suggestion(k, known) + "; known here: "
            + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  private static ConfigProblem at(LocatedYaml.Position p, String pointer, String message) {
    return new ConfigProblem(p.line(), p.column(), ConfigProblem.display(pointer), message);
  }

  private static String suggestion(String k, Set<String> known) {
    return known.stream().filter(c -> c.equalsIgnoreCase(k) || distance(c.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= 2)
        .findFirst().map(c -> " (did you mean '" + c + "'?)").orElse("");
  }

  /** Levenshtein distance, for "did you mean" hints. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
