package io.certferry.agent.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.x509.KeyType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's configuration after validation: every value checked, defaults filled in. Provider
 * blocks (targets, DNS providers, notifiers) stay as their settings, created later by their
 * {@link io.certferry.core.ProviderFactory}. Holds secret references, never secret values.
 *
 * @param store the FileStore folder the {@code store:} setting names; null when it names another store, or when the
 *     file leaves it to {@code --store} / {@code CERTFERRY_STORE}
 * @param storeSettings the {@code store:} setting as a store block ({@code type:} and settings; a folder is
 *     {@code {type: file, path: DIR}}); null when the file has none
 */
public record AgentConfig(Path file, Path store, Block storeSettings, Schedule schedule, Http http, Alerts alerts,
                          List<Block> notifications, List<CertificateConfig> certificates, List<Watch> watch,
                          List<ConfigProblem> warnings) {
  public AgentConfig {
    notifications = List.copyOf(notifications);
    certificates = List.copyOf(certificates);
    watch = List.copyOf(watch);
    warnings = List.copyOf(warnings);
  }

  /** {@code watch:} an endpoint whose certificate someone else manages, checked by TLS handshake on every pass. */
  public record Watch(String name, String host, int port, String serverName) {}

  /** {@code schedule:} how often and how wide the reconcile loop runs. */
  public record Schedule(Duration maxInterval, int parallelism, Duration targetTimeout) {}

  /**
   * {@code http:} the status listener.
   *
   * @param auth basic auth for the status page, {@code /status} and {@code /metrics}, if configured
   */
  public record Http(boolean enabled, String host, int port, Optional<BasicAuth> auth) {
    public Http(boolean enabled, String host, int port) { this(enabled, host, port, Optional.empty()); }
  }

  /** {@code http.auth:} a user name and the password's secret reference (never the password). */
  public record BasicAuth(String user, String passwordReference) {
    @Override
    public String toString() { return "BasicAuth{user=" + user + "}"; }
  }

  /** {@code alerts:} days-left levels and how long a failure lasts before a human is told. */
  public record Alerts(List<Integer> levels, Duration failureThreshold) {}

  /** A provider block: its {@code type} and all its settings (type and id included). */
  public record Block(String type, ObjectNode settings) {}

  /**
   * One certificate: {@code source} is the issuer type ({@code acme}, {@code local}, {@code imported});
   * {@code options} are the lineage options kept in {@code spec.json} (renewBefore, reuseKey, profile,
   * server, account, challenge).
   */
  public record CertificateConfig(String name, List<String> domains, String source, KeyType keyType,
                                  Map<String, String> options, ObjectNode issuer, List<TargetConfig> targets,
                                  Continuity continuity) {
    public CertificateConfig {
      domains = List.copyOf(domains);
      options = Map.copyOf(options);
      targets = List.copyOf(targets);
      continuity = continuity == null ? Continuity.NONE : continuity;
    }
  }

  /**
   * What keeps a certificate valid when things go wrong.
   *
   * @param fallbacks the issuer blocks to fall back to, in order, each whole (the issuer's settings merged in)
   * @param windows maintenance windows for all its targets
   * @param alertLevels its own expiry alert levels; empty: the config's
   */
  public record Continuity(List<ObjectNode> fallbacks, Duration fallbackAfter, List<String> windows,
                           List<Integer> alertLevels) {
    static final Continuity NONE = new Continuity(List.of(), Duration.ofDays(1), List.of(), List.of());

    public Continuity {
      fallbacks = List.copyOf(fallbacks);
      windows = List.copyOf(windows);
      alertLevels = List.copyOf(alertLevels);
    }
  }

  /** A deploy target of a certificate: its provider's settings (without {@code windows}) and its own windows. */
  public record TargetConfig(String id, String type, ObjectNode settings, List<String> windows) {
    public TargetConfig {
      windows = windows == null ? List.of() : List.copyOf(windows);
    }

    public TargetConfig(String id, String type, ObjectNode settings) { this(id, type, settings, List.of()); }
  }
}
