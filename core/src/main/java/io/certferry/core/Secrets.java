package io.certferry.core;

/**
 * Resolves secret references such as {@code ${env:DO_TOKEN}} or {@code ${file:/etc/certferry/token}}.
 * A secret's value is never logged, put into an exception message or serialized.
 */
public interface Secrets {
  /**
   * The value behind a reference.
   *
   * @throws IllegalArgumentException naming the reference (never the value) when it cannot be resolved
   *     or is not a reference at all
   */
  String resolve(String reference);

  /** Whether the text is a {@code ${env:...}} or {@code ${file:...}} reference. */
  static boolean isReference(String text) {
    return text != null && text.matches("\\$\\{(env|file):[^}]+}");
  }
}
