package io.certferry.core.issue;

import java.util.Objects;
import java.util.Optional;

/**
 * The CA refused an order whose {@code replaces} names a certificate it has already replaced (RFC 9773,
 * {@code alreadyReplaced}): another order of the account, finalized earlier, replaced it. The caller
 * adopts that first replacement when it holds it (a stored version whose order replaced the same id),
 * and otherwise orders once without {@code replaces}; it never loops placing orders that name it again.
 *
 * @since 0.1
 */
public final class AlreadyReplacedException extends IssueException {
  private static final long serialVersionUID = 1L;
  private final String certificateId;
  private final transient Replacement replacement;

  /**
   * The certificate the CA issued as the replacement, as far as the account's orders tell.
   *
   * @param orderUrl the order that carried {@code replaces}
   * @param serial the replacement's serial, lower-case hex
   * @param sha256 the replacement leaf's SHA-256, lower-case hex
   * @since 0.1
   */
  public record Replacement(String orderUrl, String serial, String sha256) {
    public Replacement {
      Objects.requireNonNull(orderUrl, "orderUrl");
      Objects.requireNonNull(serial, "serial");
      Objects.requireNonNull(sha256, "sha256");
    }
  }

  /**
   * @param certificateId the ARI id of the certificate the refused order was to replace
   * @param replacement the first replacement, when the CA's orders show it
   */
  public AlreadyReplacedException(String message, String certificateId, Optional<Replacement> replacement,
                                  Throwable cause) {
    super(Kind.CA_REJECTED, message, cause);
    this.certificateId = Objects.requireNonNull(certificateId, "certificateId");
    this.replacement = replacement.orElse(null);
  }

  /**
   * The ARI id of the certificate already replaced.
   *
   * @since 0.1
   */
  public String certificateId() { return certificateId; }

  /**
   * The first replacement, when the CA's orders show it.
   *
   * @since 0.1
   */
  public Optional<Replacement> replacement() { return Optional.ofNullable(replacement); }
}
