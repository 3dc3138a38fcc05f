package io.certferry.core.issue.acme;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The persistent TXT record of dns-persist-01 (draft-ietf-acme-dns-persist-02): at
 * {@code _validation-persist.<name>}, the value {@code <issuer-domain-name>; accounturi=<account URL>}
 * with {@code ; policy=wildcard} when it is to authorize {@code *.<name>} as well, and an optional
 * {@code ; persistUntil=<unix seconds>} after which the CA no longer accepts it. One such record
 * authorizes one ACME account at one CA for the name, so renewals need no DNS change at all.
 *
 * @param issuerDomainName the CA's name for itself, from the challenge's {@code issuer-domain-names}
 *     (or the directory's {@code caaIdentities}), e.g. {@code letsencrypt.org}
 * @param accountUri the ACME account's URL
 * @param wildcard whether the record carries {@code policy=wildcard}
 * @param persistUntil when the CA stops accepting the record, if ever
 * @since 0.1
 */
public record DnsPersistRecord(String issuerDomainName, String accountUri, boolean wildcard,
                               Optional<Instant> persistUntil) {
  /** The label the record lives under. */
  public static final String LABEL = "_validation-persist";

  public DnsPersistRecord {
    Objects.requireNonNull(issuerDomainName, "issuerDomainName");
    Objects.requireNonNull(accountUri, "accountUri");
    persistUntil = persistUntil == null ? Optional.empty() : persistUntil;
  }

  /**
   * The record's name for {@code domain} (without {@code *.}), e.g. {@code _validation-persist.example.org}.
   *
   * @since 0.1
   */
  public static String nameFor(String domain) {
    String d = domain.startsWith("*.") ? domain.substring(2) : domain;
    return LABEL + "." + (d.endsWith(".") ? d.substring(0, d.length() - 1) : d);
  }

  /**
   * The TXT value, as Certferry writes it and as the operator adds it.
   *
   * @since 0.1
   */
  public String text() {
    return issuerDomainName + "; accounturi=" + accountUri + (wildcard ? "; policy=wildcard" : "")
        + persistUntil.map(t -> "; persistUntil=" + t.getEpochSecond()).orElse("");
  }

  /**
   * The record as a zone-file line for {@code domain}, e.g. for the operator to paste.
   *
   * @since 0.1
   */
  public String zoneLine(String domain) {
    return nameFor(domain) + ". IN TXT \"" + text() + "\"";
  }

  /**
   * Reads a TXT value; empty when it is not a dns-persist-01 record (no issuer name, no account, a
   * parameter given twice, an unreadable {@code persistUntil}). Parameter names and the policy value
   * are case-insensitive, as the draft says; unknown parameters are ignored.
   *
   * @since 0.1
   */
  public static Optional<DnsPersistRecord> parse(String value) {
    String[] parts = value.split(";", -1);
    String issuer = parts[0].trim().toLowerCase(Locale.ROOT);
    if (issuer.isEmpty()) {
      return Optional.empty();
    }
    String account = null;
    String policy = null;
    Instant until = null;
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        return Optional.empty();
      }
      String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String v = p.substring(eq + 1).trim();
      if (!seen.add(key)) {
        return Optional.empty();
      }
      switch (key) {
        case "accounturi" -> account = v;
        case "policy" -> policy = v;
        case "persistuntil" -> {
          try {
            until = Instant.ofEpochSecond(Long.parseLong(v));
          } catch (NumberFormatException e) {
            return Optional.empty();
          }
        }
        default -> { } // the draft lets CAs define more; they do not change what Certferry checks
      }
    }
    if (account == null || account.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DnsPersistRecord(issuer, account, "wildcard".equalsIgnoreCase(policy),
        Optional.ofNullable(until)));
  }

  /**
   * Why this record does not authorize {@code accountUri} at a CA calling itself one of
   * {@code issuerDomainNames} for the name (and its wildcard when {@code wildcard}) at {@code at}; empty
   * when it does.
   *
   * @since 0.1
   */
  public Optional<String> mismatch(List<String> issuerDomainNames, String accountUri, boolean wildcard, Instant at) {
    if (issuerDomainNames.stream().noneMatch(n -> n.equalsIgnoreCase(issuerDomainName))) {
      return Optional.of("it names the CA " + issuerDomainName + ", not " + String.join(" or ", issuerDomainNames));
    }
    if (!this.accountUri.equals(accountUri)) {
      return Optional.of("it names the account " + this.accountUri + ", not " + accountUri);
    }
    if (wildcard && !this.wildcard) {
      return Optional.of("it lacks policy=wildcard, which a wildcard name needs");
    }
    if (persistUntil.isPresent() && at.isAfter(persistUntil.get())) {
      return Optional.of("its persistUntil " + persistUntil.get() + " has passed");
    }
    return Optional.empty();
  }
}
