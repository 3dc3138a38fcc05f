package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Set;

/** {@code http:} the status listener: on or off, and {@code listen: host:port} (loopback unless told). */
final class HttpSection {
  static final Set<String> KEYS = Set.of("enabled", "listen");
  static final String DEFAULT_LISTEN = "127.0.0.1:9595";
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

  private final Problems problems;
  private final Values values;

  HttpSection(Problems problems, Values values) {
    this.problems = problems;
    this.values = values;
  }

  AgentConfig.Http check(JsonNode n) {
    problems.unknownKeys("/http", n, KEYS);
    boolean enabled = values.bool("/http/enabled", n.get("enabled")).orElse(true);
    String listen = values.text("/http/listen", n.get("listen")).orElse(DEFAULT_LISTEN);
    int colon = listen.lastIndexOf(':');
    String host = colon > 0 ? listen.substring(0, colon) : "";
    int port = -1;
    try {
      port = Integer.parseInt(listen.substring(colon + 1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      // reported below
    }
    if (host.isEmpty() || port < 0 || port > 65535) {
      problems.error("/http/listen", "'" + listen + "' is not host:port; write e.g. listen: " + DEFAULT_LISTEN);
    } else if (!LOOPBACK.contains(host)) {
      problems.warn("/http/listen", "listening on " + host + " exposes /status and /metrics beyond this machine; prefer 127.0.0.1 behind a proxy");
    }
    return new AgentConfig.Http(enabled, host.replace("[", "").replace("]", ""), Math.max(port, 0));
  }
}
