package io.certferry.core.serve;

import io.certferry.core.x509.CertificateChecks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The certificates served at one moment, looked up by the name a client asks for: the exact name first,
 * then a wildcard covering it, then the default lineage. Immutable: a swap builds a new index, so a
 * handshake never sees half of one.
 */
final class ServingIndex {
  /** Among certificates for one name, the one valid longest is served first. */
  private static final Comparator<ServedCertificate> LONGEST_FIRST =
      Comparator.comparing((ServedCertificate c) -> c.bundle().notAfter()).reversed();

  private final Map<String, ServedCertificate> byLineage;
  private final Map<String, List<ServedCertificate>> byName;
  private final String defaultLineage;

  private ServingIndex(Map<String, ServedCertificate> byLineage, String defaultLineage) {
    this.byLineage = Map.copyOf(byLineage);
    this.defaultLineage = defaultLineage;
    Map<String, List<ServedCertificate>> names = new HashMap<>();
    for (ServedCertificate c : byLineage.values()) {
      for (String name : c.bundle().names()) {
        names.computeIfAbsent(name, n -> new ArrayList<>()).add(c);
      }
    }
    names.values().forEach(l -> l.sort(LONGEST_FIRST));
    this.byName = Map.copyOf(names);
  }

  static ServingIndex empty(String defaultLineage) { return new ServingIndex(Map.of(), defaultLineage); }

  /** This index with {@code served} as its lineage's certificate. */
  ServingIndex with(ServedCertificate served) {
    Map<String, ServedCertificate> next = new HashMap<>(byLineage);
    next.put(served.lineage(), served);
    return new ServingIndex(next, defaultLineage);
  }

  Optional<ServedCertificate> lineage(String name) { return Optional.ofNullable(byLineage.get(name)); }

  Collection<ServedCertificate> all() { return byLineage.values(); }

  /**
   * The certificate for a handshake that asked for {@code serverName} (null: the client sent no SNI) with a
   * key of {@code keyType}.
   */
  Optional<ServedCertificate> choose(String serverName, String keyType) {
    if (serverName != null) {
      Optional<ServedCertificate> exact = first(byName.get(serverName), keyType);
      if (exact.isPresent()) {
        return exact;
      }
      int dot = serverName.indexOf('.');
      if (dot > 0) {
        // The index finds the one wildcard that could match; RFC 6125's rule decides whether it does.
        Optional<ServedCertificate> wildcard = first(byName.get("*" + serverName.substring(dot)), keyType)
            .filter(c -> CertificateChecks.covers(c.bundle().names(), serverName));
        if (wildcard.isPresent()) {
          return wildcard;
        }
      }
    }
    return defaultLineage == null ? Optional.empty()
        : Optional.ofNullable(byLineage.get(defaultLineage)).filter(c -> c.fits(keyType));
  }

  private static Optional<ServedCertificate> first(List<ServedCertificate> candidates, String keyType) {
    return candidates == null ? Optional.empty() : candidates.stream().filter(c -> c.fits(keyType)).findFirst();
  }
}
