package io.certferry.core;

import java.util.Objects;

/**
 * One thing wrong with a settings block: where (a JSON pointer into the block, {@code ""} for the block
 * itself, e.g. {@code /eab/hmacKey}) and what, with the fix. A config loader turns the pointer into
 * file:line:column; the CLI into the option's name.
 *
 * @param atKey whether the key itself is the problem (an unknown setting) rather than its value
 * @since 0.1
 */
public record SettingProblem(String pointer, String message, boolean atKey) {
  public SettingProblem {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
  }

  /** A problem with the value at {@code pointer}. */
  public SettingProblem(String pointer, String message) { this(pointer, message, false); }

  /**
   * A problem with the key at {@code pointer} itself (an unknown or misplaced setting).
   *
   * @since 0.1
   */
  public static SettingProblem atKey(String pointer, String message) { return new SettingProblem(pointer, message, true); }

  /**
   * The same problem under a parent: {@code under("/issuer")} turns {@code /eab} into {@code /issuer/eab}.
   *
   * @since 0.1
   */
  public SettingProblem under(String parent) { return new SettingProblem(parent + pointer, message, atKey); }

  @Override
  public String toString() { return (pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ") + message; }
}
