package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.issue.acme.AcmeDirectories;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The ACME settings of an {@code issuer: {type: acme}} block: the CA, its TLS trust, the account,
 * EAB, the challenge and how it is answered.
 *
 * <p>This is the one place the YAML's ACME rules live, behind one method ({@link #check}) that takes
 * the block and its pointer and reports problems, so a typed ACME settings model shared with the CLI
 * can take them over without touching the other sections.
 */
final class AcmeIssuerSection {
  static final Set<String> KEYS = Set.of("server", "serverCa", "account", "email", "agreeTos", "eab", "challenge",
      "http", "dnsProvider", "profile", "propagationServers");
  private static final Set<String> EAB = Set.of("keyId", "hmacKey");
  private static final Set<String> HTTP = Set.of("port", "address", "webroot");

  private final Problems problems;
  private final Values values;
  private final ProviderBlocks blocks;

  AcmeIssuerSection(Problems problems, Values values, ProviderBlocks blocks) {
    this.problems = problems;
    this.values = values;
    this.blocks = blocks;
  }

  /**
   * Checks the ACME settings of the issuer block {@code n} at pointer {@code p}.
   *
   * @param domains the certificate's names, which the challenge must be able to prove
   * @return the lineage options the block sets (server, account, profile, challenge)
   */
  Map<String, String> check(String p, JsonNode n, List<String> domains) {
    Map<String, String> options = new LinkedHashMap<>();
    server(p, n, options);
    values.text(p + "/serverCa", n.get("serverCa")).ifPresent(f -> {
      if (!Files.isReadable(Path.of(f))) {
        problems.error(p + "/serverCa", "cannot read " + f + "; give the PEM file of the CA that signs the ACME server's TLS certificate");
      }
    });
    values.text(p + "/account", n.get("account")).ifPresent(a -> options.put("account", a));
    values.text(p + "/email", n.get("email")).ifPresent(e -> {
      if (!e.contains("@")) {
        problems.error(p + "/email", "'" + e + "' is not an e-mail address");
      }
    });
    values.bool(p + "/agreeTos", n.get("agreeTos"));
    values.text(p + "/profile", n.get("profile")).ifPresent(pr -> options.put("profile", pr));
    eab(p, n.get("eab"));
    String challenge = values.text(p + "/challenge", n.get("challenge")).orElse("http-01");
    options.put("challenge", challenge);
    http(p, n.get("http"));
    challenge(p, n, challenge, domains);
    return options;
  }

  private void server(String p, JsonNode n, Map<String, String> options) {
    Optional<String> server = values.text(p + "/server", n.get("server"));
    if (server.isEmpty()) {
      problems.error(p, "server is missing; give a CA name (letsencrypt, letsencrypt-staging, zerossl, sectigo-dv) or its directory URL");
      return;
    }
    try {
      AcmeDirectories.resolve(server.get());
      options.put("server", server.get());
    } catch (IllegalArgumentException e) {
      problems.error(p + "/server", e.getMessage());
    }
  }

  private void eab(String p, JsonNode eab) {
    if (eab == null) {
      return;
    }
    problems.unknownKeys(p + "/eab", eab, EAB);
    if (!eab.hasNonNull("keyId") || !eab.hasNonNull("hmacKey")) {
      problems.error(p + "/eab", "eab needs keyId and hmacKey (hmacKey by reference: ${env:EAB_HMAC_KEY})");
    }
    if (eab.hasNonNull("hmacKey") && !Secrets.isReference(eab.get("hmacKey").asText().trim())) {
      problems.error(p + "/eab/hmacKey", "a secret must not be written in the config file; reference it: hmacKey: ${env:EAB_HMAC_KEY} or ${file:/etc/certferry/eab.key}");
    }
  }

  private void http(String p, JsonNode http) {
    if (http == null) {
      return;
    }
    problems.unknownKeys(p + "/http", http, HTTP);
    values.integer(p + "/http/port", http.get("port"), 1, 65535);
    if (http.has("port") && http.has("webroot")) {
      problems.error(p + "/http", "give either port (a built-in server answers) or webroot (files for your web server), not both");
    }
  }

  private void challenge(String p, JsonNode n, String challenge, List<String> domains) {
    switch (challenge) {
      case "http-01" -> {
        List<String> wildcards = domains.stream().filter(d -> d.startsWith("*.")).toList();
        if (!wildcards.isEmpty()) {
          problems.error(p + "/challenge", "wildcard names need dns-01; http-01 cannot prove " + wildcards);
        }
        if (n.has("dnsProvider")) {
          problems.error(p + "/dnsProvider", "dnsProvider is only used with challenge: dns-01");
        }
      }
      case "dns-01" -> {
        if (!n.has("dnsProvider")) {
          problems.error(p + "/challenge", "dns-01 needs dnsProvider: {type: ..., settings}; installed: " + blocks.installed(DnsProvider.class));
        } else {
          blocks.check(p + "/dnsProvider", n.get("dnsProvider"), DnsProvider.class, "DNS provider");
        }
      }
      default -> problems.error(p + "/challenge", "'" + challenge + "' is not a challenge type; choose http-01 or dns-01");
    }
  }
}
