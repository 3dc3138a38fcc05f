package io.certferry.core.issue;

import java.time.Instant;
import java.util.Optional;

/** Issuance failed. The message says why and what to fix; {@link #retryAfter()} when the CA said when to come back. */
public class IssueException extends Exception {
  private static final long serialVersionUID = 1L;
  private final Instant retryAfter;

  public IssueException(String message) { this(message, null, null); }

  public IssueException(String message, Throwable cause) { this(message, null, cause); }

  public IssueException(String message, Instant retryAfter, Throwable cause) {
    super(message, cause);
    this.retryAfter = retryAfter;
  }

  public Optional<Instant> retryAfter() { return Optional.ofNullable(retryAfter); }
}
