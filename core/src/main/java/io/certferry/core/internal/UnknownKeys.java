package io.certferry.core.internal;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** The one message for a setting nobody knows, with a "did you mean" when a known one is close. Not API. */
public final class UnknownKeys {
  private UnknownKeys() {}

  /** {@code unknown key 'shedule' (did you mean 'schedule'?); known here: a, b, c}. */
  public static String message(String key, Set<String> known) {
    return "unknown key '" + key + "'" + suggestion(key, known) + "; known here: " + String.join(", ", new TreeSet<>(known));
  }

  private static String suggestion(String k, Set<String> known) {
    return new TreeSet<>(known).stream()
        .filter(c -> c.equalsIgnoreCase(k) || distance(c.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT)) <= 2)
        .findFirst().map(c -> " (did you mean '" + c + "'?)").orElse("");
  }

  /** Levenshtein distance. */
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
