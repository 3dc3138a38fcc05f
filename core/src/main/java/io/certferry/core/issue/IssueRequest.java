package io.certferry.core.issue;

import io.certferry.core.store.PendingOrder;
import io.certferry.core.x509.KeyType;

import java.security.KeyPair;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What to issue: the lineage it belongs to, the names (first is the CN), the key type, an existing key
 * to reuse (default: a fresh key), the ARI certificate id this replaces, an ACME profile, and the crash
 * journal: an order the previous process placed and did not finish ({@code resume}), and where to
 * report an order as soon as the CA accepted it ({@code placed}), so a process killed at any step
 * resumes its order instead of placing a second one.
 *
 * @since 0.1
 */
public record IssueRequest(String lineage, List<String> domains, KeyType keyType, Optional<KeyPair> reuseKey,
                           Optional<String> replaces, Optional<String> profile, Optional<PendingOrder> resume,
                           Consumer<PendingOrder> placed) {
  public IssueRequest {
    domains = List.copyOf(domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("an issue request needs at least one name");
    }
    Objects.requireNonNull(keyType, "keyType");
    reuseKey = reuseKey == null ? Optional.empty() : reuseKey;
    replaces = replaces == null ? Optional.empty() : replaces;
    profile = profile == null ? Optional.empty() : profile;
    resume = resume == null ? Optional.empty() : resume;
    placed = placed == null ? order -> { } : placed;
  }

  /**
   * The same request without {@code replaces}: what is ordered after the CA said it was already replaced.
   *
   * @since 0.1
   */
  public IssueRequest withoutReplaces() {
    return new IssueRequest(lineage, domains, keyType, reuseKey, Optional.empty(), profile, resume, placed);
  }

  /**
   * A request for a new key and no earlier order, replacement or profile.
   *
   * @since 0.1
   */
  public static IssueRequest of(String lineage, List<String> domains, KeyType keyType) {
    return new IssueRequest(lineage, domains, keyType, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), null);
  }
}
