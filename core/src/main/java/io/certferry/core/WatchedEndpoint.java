package io.certferry.core;

import io.certferry.core.store.FileStore;

import java.util.Locale;
import java.util.Objects;

/**
 * A TLS endpoint whose certificate someone else manages (a hosted status page, a SaaS custom domain): the
 * engine shakes hands with it on every pass and treats what it serves like one of its own certificates
 * for everything but renewal: the same state and days-left rule, the same expiry and failure alerts, the
 * same {@code /status} rows and metrics, with source {@code watched}.
 *
 * <pre>{@code
 * CertManager.builder().store(store).watch(WatchedEndpoint.of("status.example.org", 443, "status.example.org"))
 * }</pre>
 *
 * @param name how status rows, alerts and metrics name it; a lineage-style name, unique among the manager's
 *     certificates and endpoints
 * @param host where to connect
 * @param serverName the SNI name to ask for; the certificate served must cover it
 * @since 0.1
 */
public record WatchedEndpoint(String name, String host, int port, String serverName) {
  /** {@code source} of a watched endpoint's status. */
  public static final String SOURCE = "watched";

  public WatchedEndpoint {
    FileStore.checkName(name);
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " of watched endpoint " + name + " is not 1-65535");
    }
    serverName = serverName == null || serverName.isBlank() ? host : serverName.toLowerCase(Locale.ROOT);
  }

  /**
   * An endpoint named after its server name (with {@code -PORT} when the port is not 443).
   *
   * @since 0.1
   */
  public static WatchedEndpoint of(String host, int port, String serverName) {
    return new WatchedEndpoint(defaultName(host, port, serverName), host, port, serverName);
  }

  /**
   * The name {@link #of} gives: the server name (or host), and {@code -PORT} when the port is not 443.
   *
   * @since 0.1
   */
  public static String defaultName(String host, int port, String serverName) {
    String base = (serverName == null || serverName.isBlank() ? host : serverName).toLowerCase(Locale.ROOT)
        .replaceAll("[^a-z0-9._-]", "-").replaceAll("^[^a-z0-9]+", "");
    return port == 443 ? base : base + "-" + port;
  }
}
