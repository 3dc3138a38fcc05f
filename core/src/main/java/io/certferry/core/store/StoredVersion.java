package io.certferry.core.store;

import io.certferry.core.CertificateBundle;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One stored version's {@code meta.json}: the facts {@code list} and the renewal decision need,
 * so neither parses certificates or keys.
 *
 * @since 0.1
 */
public record StoredVersion(int number, String source, List<String> domains, Instant notBefore, Instant notAfter,
                            String serial, String sha256, String issuer, String keyType, Instant storedAt,
                            Map<String, String> details) {
  public StoredVersion {
    domains = List.copyOf(domains);
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /**
   * The metadata every store keeps for a bundle stored as version {@code number}: its facts, the key type
   * (or the key's algorithm when it is none of Certferry's key types: a store keeps what it is given).
   *
   * @since 0.1
   */
  public static StoredVersion of(int number, CertificateBundle bundle, String source, Instant storedAt,
                                 Map<String, String> details) {
    String keyType;
    try {
      keyType = bundle.keyType().id();
    } catch (IllegalArgumentException unusual) {
      keyType = bundle.leaf().getPublicKey().getAlgorithm();
    }
    return new StoredVersion(number, source, bundle.names(), bundle.notBefore(), bundle.notAfter(), bundle.serial(),
        bundle.sha256(), bundle.issuer(), keyType, storedAt, details);
  }
}
