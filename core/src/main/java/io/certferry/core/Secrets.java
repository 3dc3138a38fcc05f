package io.certferry.core;

import java.util.Optional;

/**
 * Resolves secret references such as {@code ${env:DO_TOKEN}} or {@code ${file:/etc/certferry/token}}.
 * A secret's value is never logged, put into an exception message or serialized.
 *
 * @since 0.1
 */
public interface Secrets {
  /**
   * The value behind a reference.
   *
   * @throws IllegalArgumentException naming the reference (never the value) when it cannot be resolved
   *     or is not a reference at all
   * @since 0.1
   */
  String resolve(String reference);

  /**
   * What is wrong with a secret setting in a config block, if anything: missing, or a literal value
   * where a reference belongs. The message names the setting and shows the reference to write, e.g.
   * {@code referenceProblem("target do-lb", "token", value, "DIGITALOCEAN_TOKEN", "do.token")}.
   *
   * @since 0.1
   */
  static Optional<String> referenceProblem(String where, String setting, String value, String envName,
                                                     String fileName) {
    String example = "${env:" + envName + "} or ${file:/etc/certferry/" + fileName + "}";
    if (value == null || value.isBlank()) {
      return Optional.of(where + ": setting '" + setting + "' is missing; set " + setting + ": " + example);
    }
    if (!isReference(value.strip())) {
      return Optional.of(where + ": setting '" + setting + "' must be a reference such as " + example
          + ", never the secret itself; move it into an environment variable or a 0600 file");
    }
    return Optional.empty();
  }

  /**
   * Whether the text is a {@code ${env:...}} or {@code ${file:...}} reference.
   *
   * @since 0.1
   */
  static boolean isReference(String text) {
    return text != null && text.matches("\\$\\{(env|file):[^}]+}");
  }
}
