package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

/**
 * {@code http:} the status listener: on or off, {@code listen: host:port} (loopback unless told) and optional
 * {@code auth: {user, password}} (basic auth, the password by secret reference).
 * The host is resolved now, as the listener will resolve it, so a name that does not resolve or an
 * address no interface of this machine has is refused here rather than when the agent starts.
 */
final class HttpSection {
  static final Set<String> KEYS = Set.of("enabled", "listen", "auth");
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
    String bare = host.replace("[", "").replace("]", "");
    if (host.isEmpty() || port < 0 || port > 65535) {
      problems.error("/http/listen", "'" + listen + "' is not host:port; write e.g. listen: " + DEFAULT_LISTEN);
    } else if (bindable(bare)) {
      if (!LOOPBACK.contains(host)) {
        problems.warn("/http/listen", "listening on " + host + " exposes /status and /metrics beyond this machine; prefer 127.0.0.1 behind a proxy");
      }
    }
    return new AgentConfig.Http(enabled, bare, Math.max(port, 0), auth(n.get("auth")));
  }

  /** {@code auth: {user: ops, password: ${env:CERTFERRY_HTTP_PASSWORD}}}: basic auth, the password by reference. */
  private Optional<AgentConfig.BasicAuth> auth(JsonNode a) {
    if (a == null || a.isNull()) {
      return Optional.empty();
    }
    if (!a.isObject()) {
      problems.error("/http/auth", "expected auth: {user: ops, password: ${env:CERTFERRY_HTTP_PASSWORD}}");
      return Optional.empty();
    }
    problems.unknownKeys("/http/auth", a, Set.of("user", "password"));
    Optional<String> user = values.text("/http/auth/user", a.get("user"));
    Optional<String> password = values.text("/http/auth/password", a.get("password"));
    if (user.isEmpty() || user.get().isBlank() || user.get().contains(":")) {
      problems.error(user.isEmpty() ? "/http/auth" : "/http/auth/user", user.isEmpty() ? "user is missing; give the user "
          + "name the page asks for, e.g. user: ops" : "the user name must not be empty or hold ':'");
    }
    if (password.isEmpty()) {
      problems.error("/http/auth", "password is missing; reference it: password: ${env:CERTFERRY_HTTP_PASSWORD} or "
          + "${file:/etc/certferry/http.password}");
    } else if (!Secrets.isReference(password.get().strip())) {
      problems.error("/http/auth/password", "a password must not be written in the config file; reference it: "
          + "password: ${env:CERTFERRY_HTTP_PASSWORD} or ${file:/etc/certferry/http.password}");
      password = Optional.empty();
    }
    return user.isPresent() && password.isPresent() && !user.get().contains(":")
        ? Optional.of(new AgentConfig.BasicAuth(user.get(), password.get().strip())) : Optional.empty();
  }

  /**
   * Whether the listener could bind {@code host}: it resolves (as binding resolves it) to the
   * wildcard, a loopback address or an address of one of this machine's interfaces; else a problem.
   */
  private boolean bindable(String host) {
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      problems.error("/http/listen", host + " does not resolve, so the listener cannot bind it; give an address of this "
          + "machine, e.g. listen: " + DEFAULT_LISTEN);
      return false;
    }
    try {
      if (address.isAnyLocalAddress() || address.isLoopbackAddress() || NetworkInterface.getByInetAddress(address) != null) {
        return true;
      }
    } catch (SocketException e) {
      return true; // the interfaces cannot be listed: binding will tell
    }
    problems.error("/http/listen", host + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
        + " is not an address of this machine, so the listener cannot bind it; use 127.0.0.1, or 0.0.0.0 for every interface");
    return false;
  }
}
