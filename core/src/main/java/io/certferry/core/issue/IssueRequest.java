package io.certferry.core.issue;

import io.certferry.core.x509.KeyType;

import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

/**
 * What to issue: the lineage it belongs to, the names (first is the CN), the key type, an existing
 * key to reuse (default: a fresh key), the ARI certificate id this replaces and an ACME profile.
 */
public record IssueRequest(String lineage, List<String> domains, KeyType keyType, Optional<KeyPair> reuseKey,
                           Optional<String> replaces, Optional<String> profile) {
  public IssueRequest {
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("an issue request needs at least one name");
    }
  }

  public static IssueRequest of(String lineage, List<String> domains, KeyType keyType) {
    return new IssueRequest(lineage, domains, keyType, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
