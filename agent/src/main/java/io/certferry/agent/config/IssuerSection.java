package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.x509.KeyType;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A certificate's {@code issuer:} block: its {@code type} (acme, local, imported) and the settings
 * every issuer shares (keyType, reuseKey, renewBefore; {@code lifetime} for the local CA). The ACME
 * settings are {@link AcmeIssuerSection}'s.
 */
final class IssuerSection {
  static final Set<String> COMMON_KEYS = Set.of("type", "keyType", "reuseKey", "renewBefore");
  /** The local CA issues for no less than this. */
  static final Duration MIN_LOCAL_LIFETIME = Duration.ofMinutes(5);

  /** What the block sets: the source, the key type, and the lineage options kept in {@code spec.json}. */
  record Issuer(String source, KeyType keyType, Map<String, String> options) {}

  private final Problems problems;
  private final Values values;
  private final AcmeIssuerSection acme;

  IssuerSection(Problems problems, Values values, AcmeIssuerSection acme) {
    this.problems = problems;
    this.values = values;
    this.acme = acme;
  }

  /**
   * Checks the {@code issuer:} of the certificate at {@code cert}.
   *
   * @param n the block, null when the certificate has none
   * @param domains the certificate's names (ACME checks its challenge can prove them)
   */
  Issuer check(String cert, JsonNode n, List<String> domains) {
    Map<String, String> options = new LinkedHashMap<>();
    if (n == null || !n.isObject()) {
      problems.error(n == null ? cert : cert + "/issuer", "issuer is missing; give issuer: {type: acme | local | imported}");
      return new Issuer("local", KeyType.EC_P256, options);
    }
    String p = cert + "/issuer";
    String type = values.text(p + "/type", n.get("type")).orElse("");
    return new Issuer(type, settings(p, n, type, domains, options), options);
  }

  private KeyType settings(String p, JsonNode n, String type, List<String> domains, Map<String, String> options) {
    Set<String> known = new HashSet<>(COMMON_KEYS);
    switch (type) {
      case "acme" -> known.addAll(AcmeIssuerSection.KEYS);
      case "local" -> known.add("lifetime");
      case "imported" -> { }
      case "" -> {
        problems.error(p, "issuer type is missing; choose acme, local or imported");
        return KeyType.EC_P256;
      }
      default -> {
        problems.error(p + "/type", "unknown issuer type '" + type + "'; choose acme, local or imported");
        return KeyType.EC_P256;
      }
    }
    problems.unknownKeys(p, n, known);
    KeyType keyType = keyType(p, n);
    values.duration(p + "/renewBefore", n.get("renewBefore")).ifPresent(d -> options.put("renewBefore", n.get("renewBefore").asText()));
    values.bool(p + "/reuseKey", n.get("reuseKey")).ifPresent(b -> options.put("reuseKey", b.toString()));
    values.duration(p + "/lifetime", n.get("lifetime")).ifPresent(d -> {
      if (d.compareTo(MIN_LOCAL_LIFETIME) < 0) {
        problems.error(p + "/lifetime", "the local CA issues for at least 5m");
      } else {
        options.put("lifetime", n.get("lifetime").asText());
      }
    });
    if (type.equals("acme")) {
      options.putAll(acme.check(p, n, domains));
    }
    return keyType;
  }

  private KeyType keyType(String p, JsonNode n) {
    Optional<String> kt = values.text(p + "/keyType", n.get("keyType"));
    if (kt.isEmpty()) {
      return KeyType.EC_P256;
    }
    Optional<KeyType> parsed = KeyType.parse(kt.get());
    if (parsed.isEmpty()) {
      problems.error(p + "/keyType", "'" + kt.get() + "' is not a key type; choose ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096");
      return KeyType.EC_P256;
    }
    return parsed.get();
  }
}
