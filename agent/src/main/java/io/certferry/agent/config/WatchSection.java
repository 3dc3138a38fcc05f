package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.WatchedEndpoint;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code watch:} endpoints whose certificates someone else manages, checked by TLS handshake on every pass:
 * each a host (name or address), a port (443), the SNI name to ask for (the host) and a name for rows, alerts
 * and metrics (the server name, with {@code -PORT} off 443), unique among the certificates' names too.
 */
final class WatchSection {
  static final Set<String> KEYS = Set.of("name", "host", "port", "serverName");
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern DNS = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern ADDRESS = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:]+]?");

  private final Problems problems;
  private final Values values;

  WatchSection(Problems problems, Values values) {
    this.problems = problems;
    this.values = values;
  }

  /** Checks {@code n}; {@code taken} holds the certificates' names, which no endpoint may reuse. */
  List<AgentConfig.Watch> check(JsonNode n, Set<String> taken) {
    List<AgentConfig.Watch> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.error("/watch", "expected a list of endpoints, e.g. - {host: status.example.org, port: 443}");
      return out;
    }
    Set<String> names = new HashSet<>(taken);
    for (int i = 0; i < n.size(); i++) {
      endpoint("/watch/" + i, n.get(i), names).ifPresent(out::add);
    }
    return out;
  }

  private Optional<AgentConfig.Watch> endpoint(String p, JsonNode n, Set<String> names) {
    if (!n.isObject()) {
      problems.error(p, "expected a mapping with host and optional port, serverName and name");
      return Optional.empty();
    }
    problems.unknownKeys(p, n, KEYS);
    String host = values.text(p + "/host", n.get("host")).map(h -> h.trim().toLowerCase(Locale.ROOT)).orElse("");
    boolean ok = true;
    if (host.isEmpty()) {
      problems.error(p, "host is missing; give the endpoint's host name or address, e.g. host: status.example.org");
      ok = false;
    } else if (!DNS.matcher(host).matches() && !ADDRESS.matcher(host).matches()) {
      problems.error(p + "/host", "'" + host + "' is neither a host name nor an IP address");
      ok = false;
    }
    int port = values.integer(p + "/port", n.get("port"), 1, 65535).orElse(443);
    String sni = values.text(p + "/serverName", n.get("serverName")).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(host);
    if (n.has("serverName") && (!DNS.matcher(sni).matches() || !sni.contains("."))) {
      problems.error(p + "/serverName", "'" + sni + "' is not a host name to ask for by SNI (no wildcards); give the name "
          + "the endpoint serves, e.g. serverName: status.example.org");
      ok = false;
    }
    String name = values.text(p + "/name", n.get("name")).orElse(WatchedEndpoint.defaultName(host, port, sni));
    if (host.isEmpty() && !n.has("name")) {
      return Optional.empty(); // the missing host says it all
    }
    if (!NAME.matcher(name).matches()) {
      problems.error(n.has("name") ? p + "/name" : p, "'" + name + "' is not a usable name; use lower-case letters, "
          + "digits, '.', '_' and '-'" + (n.has("name") ? "" : " (set name: to choose one)"));
      ok = false;
    } else if (!names.add(name)) {
      problems.error(n.has("name") ? p + "/name" : p, "the name '" + name + "' is used by a certificate or another "
          + "endpoint; give this one its own name: with name:");
      ok = false;
    }
    return ok ? Optional.of(new AgentConfig.Watch(name, host, port, sni)) : Optional.empty();
  }
}
