package io.certferry.core.issue;

import io.certferry.core.CertificateBundle;

import java.util.Map;

/** A newly issued bundle and the issuer facts worth storing with it (certificate URL, order URL, ARI id). */
public record IssuedCertificate(CertificateBundle bundle, Map<String, String> details) {
  /**
   * Key of {@link #details()}: the ARI id of the certificate this one was ordered to replace (RFC 9773
   * {@code replaces}), so the version can be found again when the CA says that certificate was replaced.
   */
  public static final String REPLACES = "replaces";

  public IssuedCertificate {
    details = Map.copyOf(details);
  }
}
