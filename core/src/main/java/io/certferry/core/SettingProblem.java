package io.certferry.core;

import java.util.Objects;

/**
 * One thing wrong with a settings block: where (a JSON pointer into the block, {@code ""} for the block
 * itself, e.g. {@code /eab/hmacKey}) and what, with the fix. A config loader turns the pointer into
 * file:line:column; the CLI into the option's name.
 *
 * @since 0.1
 */
public record SettingProblem(String pointer, String message) {
  public SettingProblem {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The same problem under a parent: {@code at("/issuer")} turns {@code /eab} into {@code /issuer/eab}.
   *
   * @since 0.1
   */
  public SettingProblem under(String parent) { return new SettingProblem(parent + pointer, message); }

  @Override
  public String toString() { return (pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.') + ": ") + message; }
}
