package io.certferry.core.deploy;

import java.util.Optional;

/**
 * The outcome of proving what a target serves.
 *
 * @since 0.1
 */
public record VerifyResult(Status status, Optional<String> expected, Optional<String> served, String message) {
  /**
   * The outcome of a check.
   *
   * @since 0.1
   */
  public enum Status { OK, MISMATCH, UNREACHABLE, SKIPPED }

  /**
   * The target serves the deployed certificate.
   *
   * @since 0.1
   */
  public static VerifyResult ok(String message) {
    return new VerifyResult(Status.OK, Optional.empty(), Optional.empty(), message);
  }

  /**
   * The target serves another certificate than the one deployed.
   *
   * @since 0.1
   */
  public static VerifyResult mismatch(String expected, String served, String message) {
    return new VerifyResult(Status.MISMATCH, Optional.of(expected), Optional.of(served), message);
  }

  /**
   * The target could not be reached to check what it serves.
   *
   * @since 0.1
   */
  public static VerifyResult unreachable(String message) {
    return new VerifyResult(Status.UNREACHABLE, Optional.empty(), Optional.empty(), message);
  }

  /**
   * Nothing was checked (the target cannot tell what it serves).
   *
   * @since 0.1
   */
  public static VerifyResult skipped(String message) {
    return new VerifyResult(Status.SKIPPED, Optional.empty(), Optional.empty(), message);
  }

  /**
   * True when the target is proven to serve the expected certificate, or verification is switched off.
   *
   * @since 0.1
   */
  public boolean passed() { return status == Status.OK || status == Status.SKIPPED; }
}
