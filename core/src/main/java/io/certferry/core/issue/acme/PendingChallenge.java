package io.certferry.core.issue.acme;

import java.util.List;
import java.util.Objects;

/**
 * One challenge a solver must answer, independent of acme4j.
 *
 * @param type {@code http-01}, {@code dns-01}, {@code dns-account-01}, {@code tls-alpn-01} or {@code dns-persist-01}
 * @param domain the identifier being validated: a DNS name without {@code *.} for wildcards, or an IP address
 * @param wildcard whether the order asked for {@code *.domain} (for dns-persist-01: whether the record must
 *     authorize it, because the order holds {@code *.domain} too)
 * @param token the http-01 token (the file name under {@code /.well-known/acme-challenge/})
 * @param keyAuthorization the http-01 response body; for tls-alpn-01 what the validation certificate proves
 * @param dnsName the TXT record name, e.g. {@code _acme-challenge.www.example.com} (no trailing dot)
 * @param dnsValue the TXT value (dns-01, dns-account-01: base64url SHA-256 of the key authorization)
 * @param persist the record dns-persist-01 wants (its {@link DnsPersistRecord#text()} is {@code dnsValue})
 * @param issuerDomainNames the names the CA accepts in a dns-persist-01 record for itself
 * @since 0.1
 */
public record PendingChallenge(String type, String domain, boolean wildcard, String token, String keyAuthorization,
                               String dnsName, String dnsValue, DnsPersistRecord persist,
                               List<String> issuerDomainNames) {
  /**
   * Checks the type and name are given.
   *
   * @since 0.1
   */
  public PendingChallenge {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(domain, "domain");
    issuerDomainNames = issuerDomainNames == null ? List.of() : List.copyOf(issuerDomainNames);
  }

  /**
   * An http-01 challenge.
   *
   * @since 0.1
   */
  public static PendingChallenge http01(String domain, String token, String keyAuthorization) {
    return new PendingChallenge("http-01", domain, false, token, keyAuthorization, null, null, null, null);
  }

  /**
   * A dns-01 challenge.
   *
   * @since 0.1
   */
  public static PendingChallenge dns01(String domain, boolean wildcard, String value) {
    return new PendingChallenge("dns-01", domain, wildcard, null, null, "_acme-challenge." + domain, value, null, null);
  }

  /**
   * A dns-account-01 challenge (draft-ietf-acme-dns-account-label): a TXT record under an account-specific
   * label, {@code _<label>._acme-challenge.<domain>}, so two accounts never write the same name.
   *
   * @since 0.1
   */
  public static PendingChallenge dnsAccount01(String domain, boolean wildcard, String recordName, String value) {
    String name = recordName.endsWith(".") ? recordName.substring(0, recordName.length() - 1) : recordName;
    return new PendingChallenge("dns-account-01", domain, wildcard, null, null, name, value, null, null);
  }

  /**
   * A tls-alpn-01 challenge (RFC 8737): a validation certificate proving {@code keyAuthorization}.
   *
   * @since 0.1
   */
  public static PendingChallenge tlsAlpn01(String domain, String token, String keyAuthorization) {
    return new PendingChallenge("tls-alpn-01", domain, false, token, keyAuthorization, null, null, null, null);
  }

  /**
   * A dns-persist-01 challenge: the record that must be in place, and the CA's names for itself.
   *
   * @since 0.1
   */
  public static PendingChallenge dnsPersist01(String domain, DnsPersistRecord record, List<String> issuerDomainNames) {
    return new PendingChallenge("dns-persist-01", domain, record.wildcard(), null, null, DnsPersistRecord.nameFor(domain),
        record.text(), record, issuerDomainNames);
  }
}
