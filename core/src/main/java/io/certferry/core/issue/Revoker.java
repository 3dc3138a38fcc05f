package io.certferry.core.issue;

import io.certferry.core.CertificateBundle;

/**
 * An {@link Issuer} that can revoke what it issued (ACME). Found at run time with {@code instanceof}.
 *
 * @since 0.1
 */
public interface Revoker {
  /**
   * Revokes a certificate this issuer obtained.
   *
   * @param reason an RFC 5280 reason: {@code unspecified}, {@code keyCompromise}, {@code superseded},
   *     {@code cessationOfOperation} or {@code affiliationChanged}
   * @since 0.1
   */
  void revoke(CertificateBundle bundle, String reason) throws IssueException;
}
