package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.x509.IpAddresses;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code certificates:} each certificate's name (unique, usable as a folder) and domains (DNS names or IP
 * addresses, no repeats); its {@code issuer:} and {@code targets:} are checked by their own sections.
 */
final class CertificatesSection {
  static final Set<String> KEYS = Set.of("name", "domains", "issuer", "targets", "fallback", "fallbackAfter", "windows",
      "alerts");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern DNS = Pattern.compile("(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?|localhost");

  private final Problems problems;
  private final Values values;
  private final IssuerSection issuers;
  private final TargetsSection targets;
  private final ContinuitySection continuity;

  CertificatesSection(Problems problems, Values values, IssuerSection issuers, TargetsSection targets) {
    this.problems = problems;
    this.values = values;
    this.issuers = issuers;
    this.targets = targets;
    this.continuity = new ContinuitySection(problems, values, issuers);
  }

  List<AgentConfig.CertificateConfig> check(JsonNode n) {
    List<AgentConfig.CertificateConfig> out = new ArrayList<>();
    if (n == null || !n.isArray() || n.isEmpty()) {
      problems.error(n == null ? "" : "/certificates", "certificates: give at least one certificate (name, domains, issuer, targets)");
      return out;
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < n.size(); i++) {
      certificate("/certificates/" + i, n.get(i), names).ifPresent(out::add);
    }
    return out;
  }

  private Optional<AgentConfig.CertificateConfig> certificate(String p, JsonNode n, Set<String> names) {
    if (!n.isObject()) {
      problems.error(p, "expected a mapping with name, domains, issuer and targets");
      return Optional.empty();
    }
    problems.unknownKeys(p, n, KEYS);
    String name = name(p, n, names);
    List<String> domains = domains(p + "/domains", n.get("domains"));
    JsonNode issuer = n.get("issuer");
    IssuerSection.Issuer checked = issuers.check(p, issuer, domains);
    List<AgentConfig.TargetConfig> targetList = targets.check(p, n.get("targets"), domains,
        (at, windows) -> continuity.check(at, windows, checked));
    AgentConfig.Continuity cont = issuer != null && issuer.isObject()
        ? continuity.check(p, n, issuer, domains, checked) : AgentConfig.Continuity.NONE;
    return Optional.of(new AgentConfig.CertificateConfig(name, domains, checked.source(), checked.keyType(),
        checked.options(), issuer != null && issuer.isObject() ? (ObjectNode) issuer : null, targetList, cont));
  }

  private String name(String p, JsonNode n, Set<String> names) {
    String name = values.text(p + "/name", n.get("name")).orElse("");
    if (name.isEmpty()) {
      problems.error(p, "name is missing; give the certificate a name such as www (it names its folder in the store)");
    } else if (!NAME.matcher(name).matches()) {
      problems.error(p + "/name", "'" + name + "' is not a usable name; use lower-case letters, digits, '.', '_' and '-'");
    } else if (!names.add(name)) {
      problems.error(p + "/name", "the name '" + name + "' is used by another certificate; names must be unique");
    }
    return name;
  }

  private List<String> domains(String p, JsonNode n) {
    List<String> out = new ArrayList<>();
    if (n == null || !n.isArray() || n.isEmpty()) {
      problems.error(n == null ? p.substring(0, p.lastIndexOf('/')) : p,
          "domains: give the list of names the certificate covers, e.g. domains: [example.org, www.example.org]");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      String d = IpAddresses.canonical(n.get(i).asText().trim().toLowerCase(Locale.ROOT));
      if (!DNS.matcher(d).matches() && !IpAddresses.isLiteral(d)) {
        problems.error(p + "/" + i, "'" + n.get(i).asText() + "' is not a DNS name or IP address");
      } else if (out.contains(d)) {
        problems.error(p + "/" + i, "'" + d + "' is listed twice");
      } else {
        out.add(d);
      }
    }
    return out;
  }
}
