package io.certferry.core.doctor;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One finding of {@code doctor}: what was looked at, how it stands and, for anything not ok, what to do about it.
 * Never holds a secret's value: checks name secrets by their reference.
 *
 * @param check the check that found it ({@code ca https://acme-v02.api.letsencrypt.org/directory}, {@code target do-lb})
 * @param subject what exactly was looked at ({@code terms of service}, {@code CAA www.example.org})
 * @param message what was found, in one line
 * @param fix what to do, for a warning or a failure
 * @since 0.1
 */
public record CheckResult(String check, String subject, Status status, String message, Optional<String> fix) {
  /**
   * How a finding stands; only {@link #FAIL} makes {@code doctor} exit non-zero.
   *
   * @since 0.1
   */
  public enum Status {
    OK, WARN, FAIL;

    /**
     * {@code ok}, {@code warn} or {@code fail}, as printed and in {@code --json}.
     *
     * @since 0.1
     */
    public String label() { return name().toLowerCase(Locale.ROOT); }
  }

  public CheckResult {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    if (status != Status.OK && fix.isEmpty()) {
      throw new IllegalArgumentException(check + " " + subject + ": a finding that is not ok needs its fix");
    }
  }

  /**
   * All is well.
   *
   * @since 0.1
   */
  public static CheckResult ok(String check, String subject, String message) {
    return new CheckResult(check, subject, Status.OK, message, Optional.empty());
  }

  /**
   * Works, but something deserves a look.
   *
   * @since 0.1
   */
  public static CheckResult warn(String check, String subject, String message, String fix) {
    return new CheckResult(check, subject, Status.WARN, message, Optional.of(fix));
  }

  /**
   * Would fail in production.
   *
   * @since 0.1
   */
  public static CheckResult fail(String check, String subject, String message, String fix) {
    return new CheckResult(check, subject, Status.FAIL, message, Optional.of(fix));
  }

  /**
   * Whether this is a failure.
   *
   * @since 0.1
   */
  public boolean failed() { return status == Status.FAIL; }
}
