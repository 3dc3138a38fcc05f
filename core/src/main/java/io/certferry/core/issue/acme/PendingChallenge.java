package io.certferry.core.issue.acme;

import java.util.Objects;

/**
 * One challenge a solver must answer, independent of acme4j.
 *
 * @param type {@code http-01} or {@code dns-01}
 * @param domain the name being validated, without {@code *.} for wildcards
 * @param wildcard whether the order asked for {@code *.domain}
 * @param token the http-01 token (the file name under {@code /.well-known/acme-challenge/})
 * @param keyAuthorization the http-01 response body
 * @param dnsName the dns-01 record name, e.g. {@code _acme-challenge.www.example.com} (no trailing dot)
 * @param dnsValue the dns-01 TXT value (base64url SHA-256 of the key authorization)
 */
public record PendingChallenge(String type, String domain, boolean wildcard, String token, String keyAuthorization,
                               String dnsName, String dnsValue) {
  public PendingChallenge {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(domain, "domain");
  }

  /** An http-01 challenge. */
  public static PendingChallenge http01(String domain, String token, String keyAuthorization) {
    return new PendingChallenge("http-01", domain, false, token, keyAuthorization, null, null);
  }

  /** A dns-01 challenge. */
  public static PendingChallenge dns01(String domain, boolean wildcard, String value) {
    return new PendingChallenge("dns-01", domain, wildcard, null, null, "_acme-challenge." + domain, value);
  }
}
