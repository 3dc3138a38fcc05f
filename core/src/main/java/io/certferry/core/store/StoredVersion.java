package io.certferry.core.store;

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
}
