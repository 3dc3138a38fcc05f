package io.certferry.agent.config;

/**
 * One problem in a config file: where (1-based line and column), which setting (a dotted path such as
 * {@code certificates[0].targets[1].type}) and what to do about it.
 */
public record ConfigProblem(int line, int column, String path, String message) {
  /** {@code file:line:column: path: message}, the form editors and CI logs link to. */
  public String format(String file) {
    return file + ":" + line + ":" + column + ": " + (path.isEmpty() ? "" : display(path) + ": ") + message;
  }

  /** {@code certificates/0/targets/1} -> {@code certificates[0].targets[1]}. */
  static String display(String pointer) {
    StringBuilder sb = new StringBuilder();
    for (String part : pointer.replaceFirst("^/", "").split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      if (part.chars().allMatch(Character::isDigit)) {
        sb.append('[').append(part).append(']');
      } else {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(part.replace("~1", "/").replace("~0", "~"));
      }
    }
    return sb.toString();
  }
}
