package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.SettingProblem;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.x509.KeyType;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A certificate's {@code issuer:} block, checked by the one typed model every door uses
 * ({@link IssuerSettings}: the same rules for the CLI's flags and {@code spec.json}), each problem placed
 * at its line and column. A DNS provider inside it is checked as every provider block is
 * ({@link ProviderBlocks}: its own rules, each message at the setting it names, literal secrets refused).
 */
final class IssuerSection {
  /** What the block sets: the source, the key type, the lineage options kept in {@code spec.json}, the settings. */
  record Issuer(String source, KeyType keyType, Map<String, String> options, Optional<IssuerSettings> settings) {}

  private final Problems problems;
  private final ProviderBlocks blocks;
  private final ProviderRegistry providers;

  IssuerSection(Problems problems, ProviderBlocks blocks, ProviderRegistry providers) {
    this.problems = problems;
    this.blocks = blocks;
    this.providers = providers;
  }

  /**
   * Checks the {@code issuer:} of the certificate at {@code cert}.
   *
   * @param n the block, null when the certificate has none
   * @param domains the certificate's names (the challenge must be able to prove them)
   */
  Issuer check(String cert, JsonNode n, List<String> domains) {
    if (n == null || !n.isObject()) {
      problems.error(n == null ? cert : cert + "/issuer", "issuer is missing; give issuer: {type: acme | local | imported}");
      return new Issuer("local", KeyType.EC_P256, Map.of(), Optional.empty());
    }
    return check(cert + "/issuer", n, domains, true);
  }

  /** Checks an issuer block at {@code p}; {@code dnsBlock}: also check a DNS provider block in it. */
  Issuer check(String p, JsonNode n, List<String> domains, boolean dnsBlock) {
    IssuerSettings.Read read = IssuerSettings.read(n, domains, providers);
    boolean ownDns = dnsBlock && n.hasNonNull("dnsProvider");
    for (SettingProblem sp : read.problems()) {
      if (ownDns && sp.pointer().startsWith("/dnsProvider")) {
        continue; // the provider block's own check places these better, below
      }
      place(p, sp);
    }
    if (ownDns) {
      blocks.check(p + "/dnsProvider", n.get("dnsProvider"), DnsProvider.class, "DNS provider");
    }
    return read.settings().map(s -> new Issuer(s.source(), s.keyType(), s.options(), Optional.of(s)))
        .orElse(new Issuer(n.path("type").asText("local"), KeyType.EC_P256, Map.of(), Optional.empty()));
  }

  /** A problem of a settings block at its place in the file. */
  void place(String p, SettingProblem sp) {
    if (sp.atKey()) {
      problems.errorAtKey(p + sp.pointer(), sp.message());
    } else {
      problems.error(p + sp.pointer(), sp.message());
    }
  }
}
