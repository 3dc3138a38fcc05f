package io.certferry.core.deploy;

import java.util.Optional;

/** The outcome of proving what a target serves. */
public record VerifyResult(Status status, Optional<String> expected, Optional<String> served, String message) {
  public enum Status { OK, MISMATCH, UNREACHABLE, SKIPPED }

  public static VerifyResult ok(String message) {
    return new VerifyResult(Status.OK, Optional.empty(), Optional.empty(), message);
  }

  public static VerifyResult mismatch(String expected, String served, String message) {
    return new VerifyResult(Status.MISMATCH, Optional.of(expected), Optional.of(served), message);
  }

  public static VerifyResult unreachable(String message) {
    return new VerifyResult(Status.UNREACHABLE, Optional.empty(), Optional.empty(), message);
  }

  public static VerifyResult skipped(String message) {
    return new VerifyResult(Status.SKIPPED, Optional.empty(), Optional.empty(), message);
  }

  /** True when the target is proven to serve the expected certificate, or verification is switched off. */
  public boolean passed() { return status == Status.OK || status == Status.SKIPPED; }
}
