package io.certferry.core.issue.acme;

import java.util.Objects;

/**
 * One challenge a solver must answer, independent of acme4j.
 *
 * @param type {@code http-01}, {@code dns-01} or {@code tls-alpn-01}
 * @param domain the name being validated, without {@code *.} for wildcards
 * @param wildcard whether the order asked for {@code *.domain}
 * @param token the http-01 token (the file name under {@code /.well-known/acme-challenge/})
 * @param keyAuthorization the http-01 response body
 * @param dnsName the dns-01 record name, e.g. {@code _acme-challenge.www.example.com} (no trailing dot)
 * @param dnsValue the dns-01 TXT value (base64url SHA-256 of the key authorization)
 * @param acmeValidation the tls-alpn-01 value of the validation certificate's acmeIdentifier extension
 *     (RFC 8737: the SHA-256 of the key authorization, 32 bytes); copied in and out
 * @since 0.1
 */
public record PendingChallenge(String type, String domain, boolean wildcard, String token, String keyAuthorization,
                               String dnsName, String dnsValue, byte[] acmeValidation) {
  /**
   * Checks the type and name are given and copies {@code acmeValidation}.
   *
   * @since 0.1
   */
  public PendingChallenge {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(domain, "domain");
    acmeValidation = acmeValidation == null ? null : acmeValidation.clone();
  }

  /**
   * An http-01 challenge.
   *
   * @since 0.1
   */
  public static PendingChallenge http01(String domain, String token, String keyAuthorization) {
    return new PendingChallenge("http-01", domain, false, token, keyAuthorization, null, null, null);
  }

  /**
   * A dns-01 challenge.
   *
   * @since 0.1
   */
  public static PendingChallenge dns01(String domain, boolean wildcard, String value) {
    return new PendingChallenge("dns-01", domain, wildcard, null, null, "_acme-challenge." + domain, value, null);
  }

  /**
   * A tls-alpn-01 challenge (RFC 8737): a handshake for {@code domain} offering ALPN {@code acme-tls/1} must
   * be answered with a validation certificate carrying {@code acmeValidation}.
   *
   * @since 0.1
   */
  public static PendingChallenge tlsAlpn01(String domain, byte[] acmeValidation) {
    return new PendingChallenge("tls-alpn-01", domain, false, null, null, null, null,
        Objects.requireNonNull(acmeValidation, "acmeValidation"));
  }

  /**
   * A copy of the tls-alpn-01 validation value; null for other types.
   *
   * @since 0.1
   */
  @Override
  public byte[] acmeValidation() { return acmeValidation == null ? null : acmeValidation.clone(); }
}
