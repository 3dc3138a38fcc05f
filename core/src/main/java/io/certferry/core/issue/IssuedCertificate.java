package io.certferry.core.issue;

import io.certferry.core.CertificateBundle;

import java.util.Map;

/**
 * A newly issued bundle and the issuer facts worth storing with it (certificate URL, order URL, ARI id).
 *
 * @since 0.1
 */
public record IssuedCertificate(CertificateBundle bundle, Map<String, String> details) {
  /**
   * Key of {@link #details()}: the ARI id of the certificate this one was ordered to replace (RFC 9773
   * {@code replaces}), so the version can be found again when the CA says that certificate was replaced.
   */
  public static final String REPLACES = "replaces";
  /**
   * Prefix of the keys of {@link #details()} that say, per name, which challenge validated it and why
   * ({@code challenge:www.example.org} = {@code dns-01 (choice 2 of 2: dns-persist-01 is not offered ...)}).
   */
  public static final String CHALLENGE_PREFIX = "challenge:";

  public IssuedCertificate {
    details = Map.copyOf(details);
  }
}
