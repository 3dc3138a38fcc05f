package io.certferry.agent.run;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format (0.0.4), enough to check what the agent
 * serves: HELP/TYPE comments, samples with labels, values. Anything malformed throws.
 */
final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");
  private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

  record Sample(String name, Map<String, String> labels, double value) {}

  final Map<String, String> types = new HashMap<>();
  final Map<String, String> help = new HashMap<>();
  final List<Sample> samples = new ArrayList<>();

  static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    Set<String> seen = new HashSet<>();
    int n = 0;
    for (String line : text.split("\n", -1)) {
      n++;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        p.comment(line, n);
        continue;
      }
      Sample s = sample(line, n);
      String family = p.familyOf(s.name());
      if (family == null) {
        throw new IllegalArgumentException("line " + n + ": sample " + s.name() + " has no # TYPE before it");
      }
      if (!seen.add(s.name() + s.labels())) {
        throw new IllegalArgumentException("line " + n + ": duplicate series " + s.name() + s.labels());
      }
      p.samples.add(s);
    }
    return p;
  }

  private String familyOf(String sample) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_total", "_created", "_count", "_sum", "_bucket", "_max")) {
      if (sample.endsWith(suffix) && types.containsKey(sample.substring(0, sample.length() - suffix.length()))) {
        return sample.substring(0, sample.length() - suffix.length());
      }
    }
    return null;
  }

  private void comment(String line, int n) {
    String[] parts = line.split(" ", 4);
    if (parts.length >= 3 && parts[1].equals("TYPE")) {
      if (!NAME.matcher(parts[2]).matches() || parts.length != 4 || !TYPES.contains(parts[3])) {
        throw new IllegalArgumentException("line " + n + ": malformed TYPE: " + line);
      }
      if (types.put(parts[2], parts[3]) != null) {
        throw new IllegalArgumentException("line " + n + ": second TYPE for " + parts[2]);
      }
    } else if (parts.length >= 3 && parts[1].equals("HELP")) {
      help.put(parts[2], parts.length == 4 ? parts[3] : "");
    }
  }

  private static Sample sample(String line, int n) {
    Matcher m = NAME.matcher(line);
    if (!m.lookingAt()) {
      throw new IllegalArgumentException("line " + n + ": no metric name: " + line);
    }
    String name = m.group();
    int i = m.end();
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      int close = line.indexOf('}', i);
      if (close < 0) {
        throw new IllegalArgumentException("line " + n + ": unclosed labels: " + line);
      }
      String body = line.substring(i + 1, close);
      Matcher l = LABEL.matcher(body);
      int at = 0;
      while (at < body.length()) {
        if (!l.find(at) || l.start() != at) {
          throw new IllegalArgumentException("line " + n + ": malformed labels: " + body);
        }
        if (labels.put(l.group(1), l.group(2)) != null) {
          throw new IllegalArgumentException("line " + n + ": label " + l.group(1) + " twice");
        }
        at = l.end();
        if (at < body.length()) {
          if (body.charAt(at) != ',') {
            throw new IllegalArgumentException("line " + n + ": expected ',' in labels: " + body);
          }
          at++;
        }
      }
      i = close + 1;
    }
    String rest = line.substring(i);
    if (!rest.startsWith(" ")) {
      throw new IllegalArgumentException("line " + n + ": expected a space before the value: " + line);
    }
    String[] vt = rest.trim().split(" ");
    if (vt.length > 2) {
      throw new IllegalArgumentException("line " + n + ": trailing text: " + line);
    }
    double v = switch (vt[0]) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(vt[0]);
    };
    return new Sample(name, labels, v);
  }

  /** The value of the one sample with this name and (at least) these labels. */
  Optional<Double> value(String name, Map<String, String> labels) {
    List<Sample> found = samples.stream().filter(s -> s.name().equals(name)
        && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    if (found.size() > 1) {
      throw new IllegalStateException("more than one " + name + labels + ": " + found);
    }
    return found.stream().findFirst().map(Sample::value);
  }
}
