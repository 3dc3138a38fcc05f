package io.certferry.core.renew;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificate a renewal decision is about: its lineage, validity and ARI id.
 *
 * @param ariCertificateId the RFC 9773 id, empty when the certificate has no Authority Key Identifier
 * @since 0.1
 */
public record RenewalCandidate(String lineage, Instant notBefore, Instant notAfter, Optional<String> ariCertificateId) {
  public RenewalCandidate {
    Objects.requireNonNull(lineage, "lineage");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException(lineage + ": notAfter " + notAfter + " is not after notBefore " + notBefore);
    }
    ariCertificateId = ariCertificateId == null ? Optional.empty() : ariCertificateId;
  }

  /**
   * The candidate for a lineage's current leaf certificate.
   *
   * @since 0.1
   */
  public static RenewalCandidate of(String lineage, X509Certificate leaf) {
    return new RenewalCandidate(lineage, leaf.getNotBefore().toInstant(), leaf.getNotAfter().toInstant(),
        AriCertificateId.of(leaf));
  }
}
