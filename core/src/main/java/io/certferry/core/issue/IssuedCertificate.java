package io.certferry.core.issue;

import io.certferry.core.CertificateBundle;

import java.util.Map;

/**
 * A newly issued bundle and the issuer facts worth storing with it (certificate URL, order URL, ARI id).
 *
 * @since 0.1
 */
public record IssuedCertificate(CertificateBundle bundle, Map<String, String> details) {
  public IssuedCertificate {
    details = Map.copyOf(details);
  }
}
