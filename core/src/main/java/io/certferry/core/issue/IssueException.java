package io.certferry.core.issue;

import io.certferry.core.CertferryException;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Issuance failed. The message says why and what to fix; {@link #kind()} says whose side failed, so
 * that a rate limit, a failed validation, an unreachable CA and a broken DNS token are counted,
 * backed off and alerted on apart; {@link #retryAfter()} is set when the CA said when to come back.
 *
 * <p>An issuer reports; it never records the failure itself. {@code CertManager} turns the report into
 * the lineage's backoff or rate-limit hold.
 *
 * @since 0.1
 */
public class IssueException extends CertferryException {
  private static final long serialVersionUID = 1L;
  private final Kind kind;
  private final Instant retryAfter;

  /**
   * Whose side failed. {@link #label()} is the value of the {@code result} label in metrics.
   *
   * @since 0.1
   */
  public enum Kind {
    /** The CA refuses new orders for now (HTTP 429, {@code rateLimited}); {@code retryAfter} says until when. */
    RATE_LIMITED,
    /** An order was placed and the CA could not validate a challenge. Counts against the CA's failed-validation limit. */
    VALIDATION_FAILED,
    /** The CA could not be reached or answered with a server error. */
    CA_UNREACHABLE,
    /** The CA refused the request for another reason: terms, EAB, profile, a bad CSR, an invalid order. */
    CA_REJECTED,
    /** Our side failed before the CA was involved: a DNS provider, a challenge solver, the store, a bug. */
    LOCAL;

    /**
     * {@code rate-limited}, {@code validation-failed}, {@code ca-unreachable}, {@code ca-rejected}, {@code local-error}.
     *
     * @since 0.1
     */
    public String label() {
      return this == LOCAL ? "local-error" : name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public IssueException(Kind kind, String message) { this(kind, message, null, null); }

  public IssueException(Kind kind, String message, Throwable cause) { this(kind, message, null, cause); }

  public IssueException(Kind kind, String message, Instant retryAfter, Throwable cause) {
    super(message, cause);
    this.kind = Objects.requireNonNull(kind, "kind");
    this.retryAfter = retryAfter;
  }

  /**
   * What kind of failure this is, which decides the engine's backoff.
   *
   * @since 0.1
   */
  public Kind kind() { return kind; }

  /**
   * When the CA allows the next attempt, if it said (Retry-After).
   *
   * @since 0.1
   */
  public Optional<Instant> retryAfter() { return Optional.ofNullable(retryAfter); }
}
