package io.certferry.core.issue;

import io.certferry.core.renew.RenewalInfoSource;

import java.util.Optional;

/**
 * Obtains new certificates: the ACME engine, the local CA. Imported certificates have no issuer
 * (they are never renewed, only alerted on). Optional capabilities are small interfaces of their own,
 * found at run time: {@link Revoker}.
 *
 * @since 0.1
 */
public interface Issuer {
  /**
   * The source recorded with what this issuer produces: {@code acme} or {@code local}.
   *
   * @since 0.1
   */
  String source();

  /**
   * How events, {@code /status} and metrics name this issuer: a CA's directory URL, {@code local CA}.
   *
   * @since 0.1
   */
  default String id() { return source(); }

  /**
   * Obtains a certificate for the request; blocks until issued, failed or interrupted. Reports every
   * failure as an {@link IssueException} with its kind; never records it (the engine does).
   *
   * @since 0.1
   */
  IssuedCertificate issue(IssueRequest request) throws IssueException, InterruptedException;

  /**
   * Where the CA publishes renewal information (ACME ARI, RFC 9773); empty when it offers none. A CA
   * that cannot be reached gives a source whose fetches fail, so the decision can say why.
   *
   * @since 0.1
   */
  default Optional<RenewalInfoSource> renewalInfo() throws InterruptedException { return Optional.empty(); }
}
