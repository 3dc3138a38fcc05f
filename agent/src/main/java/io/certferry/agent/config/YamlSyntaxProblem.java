package io.certferry.agent.config;

import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML syntax error as a config problem: at the place of the mistake, with SnakeYAML's own words
 * for it, the line quoted with a caret under the column, and a hint for the mistakes people make.
 *
 * <p>The place is SnakeYAML's problem mark (where reading failed), not Jackson's location (the end of
 * the last token read, often a line early). Two problems are found only after the mistake and are
 * put at their context mark instead: a key without its colon (found on the next line; the key is
 * the mistake) and a quote, list or mapping still open at the end of the file (where it opens).
 */
final class YamlSyntaxProblem {
  private static final String INDENT = "    ";

  private YamlSyntaxProblem() {}

  /** The SnakeYAML error inside a Jackson exception's causes, if any. */
  static Optional<MarkedYAMLException> find(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The problem for {@code e}, read in {@code text}. */
  static ConfigProblem of(MarkedYAMLException e, String text) {
    String problem = clean(e.getProblem());
    String context = e.getContext() == null ? "" : e.getContext();
    Mark problemAt = e.getProblemMark();
    Mark contextAt = e.getContextMark();
    boolean atContext = contextAt != null && (problem.startsWith("could not find expected ':'")
        || problem.contains("end of stream") || problem.contains("<stream end>"));
    Mark at = atContext ? contextAt : problemAt;
    StringBuilder msg = new StringBuilder("not valid YAML: ").append(problem);
    if (!context.isEmpty() && contextAt != null) { // without its mark the context only repeats the problem
      if (atContext) {
        msg.append(' ').append(context);
      } else {
        msg.append(" in the ").append(context.replaceFirst("^while (parsing|scanning) an? ", ""))
            .append(" that opens at ").append(contextAt.getLine() + 1).append(':').append(contextAt.getColumn() + 1);
      }
    }
    String line = line(text, at.getLine());
    hint(problem, context, line, at.getColumn()).ifPresent(h -> msg.append("; ").append(h));
    msg.append('\n').append(quote(line, at.getColumn()));
    return new ConfigProblem(at.getLine() + 1, at.getColumn() + 1, "", msg.toString());
  }

  /** SnakeYAML writes a tab as {@code '\t(TAB)'} and adds its own advice in parentheses; the hint says it once. */
  private static String clean(String problem) {
    return (problem == null ? "unreadable YAML" : problem).replace("\\t(TAB)", "\\t")
        .replaceFirst("\\s*\\(Do not use .* for indentation\\)", "").replaceFirst("\\.$", "");
  }

  private static Optional<String> hint(String problem, String context, String line, int column) {
    if (problem.contains("'\\t'")) {
      return Optional.of("indent with spaces, YAML does not allow tabs there");
    }
    if (problem.startsWith("could not find expected ':'")) {
      String key = line.substring(Math.min(column, line.length())).split("[\\s:]", 2)[0];
      return Optional.of("write '" + key + ": ...' (a colon and a space after the key)");
    }
    if (problem.startsWith("mapping values are not allowed here")) {
      return Optional.of("quote the value if it holds ': ' (e.g. 'a: b'), or put the key on a line of its own");
    }
    if (context.contains("quoted scalar")) {
      return Optional.of("close the quote");
    }
    if (context.contains("flow sequence")) {
      return Optional.of("close the list with ']'");
    }
    if (context.contains("flow mapping")) {
      return Optional.of("close the mapping with '}'");
    }
    if (problem.contains("expected <block end>")) {
      return Optional.of("check the indentation: the keys of one mapping, and the items of one list, start in the same column");
    }
    return Optional.empty();
  }

  /** Line {@code index} (0-based) of the text, empty past the end. */
  private static String line(String text, int index) {
    List<String> lines = text.lines().toList();
    return index < lines.size() ? lines.get(index) : "";
  }

  /** The line, tabs shown as {@code \t}, and a caret under the column (counted in characters). */
  static String quote(String line, int column) {
    StringBuilder shown = new StringBuilder(INDENT);
    StringBuilder caret = new StringBuilder(INDENT);
    int[] chars = line.codePoints().toArray();
    for (int i = 0; i < chars.length; i++) {
      String c = chars[i] == '\t' ? "\\t" : new String(Character.toChars(chars[i]));
      shown.append(c);
      if (i < column) {
        caret.append(" ".repeat(c.length()));
      }
    }
    if (column > chars.length) {
      caret.append(" ".repeat(column - chars.length));
    }
    return shown + "\n" + caret + "^";
  }
}
