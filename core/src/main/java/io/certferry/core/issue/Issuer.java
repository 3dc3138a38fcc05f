package io.certferry.core.issue;

/**
 * Obtains new certificates: the ACME engine, the local CA. Imported certificates have no issuer
 * (they are never renewed, only alerted on).
 */
public interface Issuer {
  /** The source recorded with what this issuer produces: {@code acme} or {@code local}. */
  String source();

  /** Obtains a certificate for the request; blocks until issued, failed or interrupted. */
  IssuedCertificate issue(IssueRequest request) throws IssueException, InterruptedException;
}
