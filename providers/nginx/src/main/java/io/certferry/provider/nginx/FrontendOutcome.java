package io.certferry.provider.nginx;

import java.util.Optional;

/**
 * What one frontend ended up with after a deploy.
 *
 * @param serving SHA-256 of the certificate it is known to serve (or hold, without an address) now
 * @param retryable false when only a config change can help (e.g. a refused SSH host key)
 */
record FrontendOutcome(String name, Status status, Optional<String> serving, String message, boolean retryable) {
  enum Status { UPDATED, ALREADY_IN_PLACE, FAILED }

  static FrontendOutcome updated(String name, String sha256, String message) {
    return new FrontendOutcome(name, Status.UPDATED, Optional.of(sha256), message, true);
  }

  static FrontendOutcome unchanged(String name, String sha256, String message) {
    return new FrontendOutcome(name, Status.ALREADY_IN_PLACE, Optional.of(sha256), message, true);
  }

  static FrontendOutcome failed(String name, Optional<String> serving, String message, boolean retryable) {
    return new FrontendOutcome(name, Status.FAILED, serving, message, retryable);
  }

  boolean failed() { return status == Status.FAILED; }

  /** One line for receipts and exception messages: which certificate it holds and why. */
  String line() {
    String holds = serving.map(s -> "serves " + s).orElse("serves an unknown certificate");
    return switch (status) {
      case UPDATED -> name + ": " + holds + " (updated)";
      case ALREADY_IN_PLACE -> name + ": " + holds + " (already in place)";
      case FAILED -> name + ": FAILED, " + holds + ": " + message;
    };
  }
}
