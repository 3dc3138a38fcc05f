package io.certferry.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.issue.Issuer;
import io.certferry.core.x509.KeyType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate {@link CertManager} keeps alive: its lineage name, the names it must cover, where it
 * comes from ({@code acme}, {@code local} or {@code imported}), its key type, the engine's options
 * ({@code renewBefore}, {@code profile}, {@code reuseKey}, {@code alertLevels}), the targets that serve it,
 * its issuer and the issuers to fall back to, and the maintenance windows of its targets. Immutable;
 * {@link #builder(String, List, String)} or {@link #of(String, List, String)} and the withers.
 *
 * @since 0.1
 */
public final class ManagedCertificate {
  /** Option: this certificate's own days-left alert levels, comma-separated ({@code 30,14,7}). */
  public static final String ALERT_LEVELS = "alertLevels";
  /** Key of {@link #windows()} whose windows hold for every target of the certificate. */
  public static final String ALL_TARGETS = "*";
  /** How long the current issuer may keep failing before the next one is asked, by default. */
  public static final Duration DEFAULT_FALLBACK_AFTER = Duration.ofDays(1);

  private final String name;
  private final List<String> domains;
  private final String source;
  private final KeyType keyType;
  private final Map<String, String> options;
  private final List<DeployTarget> targets;
  private final Optional<Issuer> issuer;
  private final List<Issuer> fallbacks;
  private final Duration fallbackAfter;
  private final Map<String, List<DeployWindow>> windows;
  private final Optional<ObjectNode> issuerSettings;

  private ManagedCertificate(Builder b) {
    this.name = Objects.requireNonNull(b.name, "name");
    this.domains = List.copyOf(b.domains);
    this.source = Objects.requireNonNull(b.source, "source");
    this.keyType = b.keyType == null ? KeyType.EC_P256 : b.keyType;
    this.options = Map.copyOf(b.options);
    this.targets = List.copyOf(b.targets);
    this.issuer = Optional.ofNullable(b.issuer);
    this.fallbacks = List.copyOf(b.fallbacks);
    this.fallbackAfter = Objects.requireNonNull(b.fallbackAfter, "fallbackAfter");
    Map<String, List<DeployWindow>> w = new LinkedHashMap<>();
    b.windows.forEach((k, v) -> w.put(k, List.copyOf(v)));
    this.windows = Map.copyOf(w);
    this.issuerSettings = Optional.ofNullable(b.issuerSettings).map(ObjectNode::deepCopy);
  }

  /**
   * A certificate with default key type, no options, no targets and the manager's issuer for its source.
   *
   * @since 0.1
   */
  public static ManagedCertificate of(String name, List<String> domains, String source) {
    return builder(name, domains, source).build();
  }

  /**
   * A builder for a certificate of {@code name} covering {@code domains}, from {@code source}.
   *
   * @since 0.1
   */
  public static Builder builder(String name, List<String> domains, String source) {
    return new Builder(name, domains, source);
  }

  /**
   * A builder holding everything this certificate holds.
   *
   * @since 0.1
   */
  public Builder toBuilder() {
    Builder b = new Builder(name, domains, source).keyType(keyType).options(options).targets(targets)
        .fallbacks(fallbacks).fallbackAfter(fallbackAfter);
    issuer.ifPresent(b::issuer);
    windows.forEach(b::windows);
    issuerSettings.ifPresent(b::issuerSettings);
    return b;
  }

  /**
   * The lineage name.
   *
   * @since 0.1
   */
  public String name() { return name; }

  /**
   * The names the certificate must cover.
   *
   * @since 0.1
   */
  public List<String> domains() { return domains; }

  /**
   * {@code acme}, {@code local} or {@code imported}.
   *
   * @since 0.1
   */
  public String source() { return source; }

  /**
   * The type of the certificate's key.
   *
   * @since 0.1
   */
  public KeyType keyType() { return keyType; }

  /**
   * The engine's options ({@code renewBefore}, {@code profile}, {@code reuseKey}).
   *
   * @since 0.1
   */
  public Map<String, String> options() { return options; }

  /**
   * The targets that serve the certificate.
   *
   * @since 0.1
   */
  public List<DeployTarget> targets() { return targets; }

  /**
   * The issuer for this certificate alone; empty means the manager's issuer for {@link #source()}.
   *
   * @since 0.1
   */
  public Optional<Issuer> issuer() { return issuer; }

  /**
   * The issuers to ask, in order, when the one before has failed for {@link #fallbackAfter()}.
   *
   * @since 0.1
   */
  public List<Issuer> fallbacks() { return fallbacks; }

  /**
   * How long an issuer may keep failing before the next one is asked; less when little lifetime is left
   * (a quarter of the time to expiry).
   *
   * @since 0.1
   */
  public Duration fallbackAfter() { return fallbackAfter; }

  /**
   * Maintenance windows by target id ({@link #ALL_TARGETS} for all); a target without any may change any time.
   *
   * @since 0.1
   */
  public Map<String, List<DeployWindow>> windows() { return windows; }

  /**
   * The windows of one target: its own and the certificate's.
   *
   * @since 0.1
   */
  public List<DeployWindow> windowsOf(String targetId) {
    List<DeployWindow> out = new ArrayList<>(windows.getOrDefault(targetId, List.of()));
    out.addAll(windows.getOrDefault(ALL_TARGETS, List.of()));
    return out;
  }

  /**
   * The {@code issuer:} block it was configured with, kept in {@code spec.json} so the CLI can rebuild the
   * issuer from the store alone; empty for issuers passed in code.
   *
   * @since 0.1
   */
  public Optional<ObjectNode> issuerSettings() { return issuerSettings.map(ObjectNode::deepCopy); }

  /**
   * This certificate deployed to {@code targets}.
   *
   * @since 0.1
   */
  public ManagedCertificate withTargets(List<? extends DeployTarget> targets) { return toBuilder().targets(targets).build(); }

  /**
   * This certificate with the engine's options ({@code renewBefore}, {@code profile}, {@code reuseKey}).
   *
   * @since 0.1
   */
  public ManagedCertificate withOptions(Map<String, String> options) { return toBuilder().options(options).build(); }

  /**
   * This certificate obtained from {@code issuer}, whatever the manager's issuer for its source.
   *
   * @since 0.1
   */
  public ManagedCertificate withIssuer(Issuer issuer) { return toBuilder().issuer(issuer).build(); }

  /**
   * This certificate with keys of {@code keyType}.
   *
   * @since 0.1
   */
  public ManagedCertificate withKeyType(KeyType keyType) { return toBuilder().keyType(keyType).build(); }

  /**
   * This certificate with the {@code issuer:} block it was configured with.
   *
   * @since 0.1
   */
  public ManagedCertificate withIssuerSettings(ObjectNode block) { return toBuilder().issuerSettings(block).build(); }

  /**
   * Whether the renewal keeps the current key ({@code reuseKey: true}).
   *
   * @since 0.1
   */
  public boolean reuseKey() { return Boolean.parseBoolean(options.getOrDefault("reuseKey", "false")); }

  /**
   * The ACME profile to order, if one is set.
   *
   * @since 0.1
   */
  public Optional<String> profile() { return Optional.ofNullable(options.get("profile")).filter(p -> !p.isBlank()); }

  @Override
  public String toString() {
    return "ManagedCertificate{" + name + " " + domains + ", " + source + ", " + targets.size() + " target(s)}";
  }

  /**
   * Builds a {@link ManagedCertificate}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String name;
    private final List<String> domains;
    private final String source;
    private KeyType keyType = KeyType.EC_P256;
    private Map<String, String> options = Map.of();
    private List<DeployTarget> targets = List.of();
    private Issuer issuer;
    private List<Issuer> fallbacks = List.of();
    private Duration fallbackAfter = DEFAULT_FALLBACK_AFTER;
    private final Map<String, List<DeployWindow>> windows = new LinkedHashMap<>();
    private ObjectNode issuerSettings;

    private Builder(String name, List<String> domains, String source) {
      this.name = name;
      this.domains = List.copyOf(domains);
      this.source = source;
    }

    /**
     * The key type (default {@code ec-p256}).
     *
     * @since 0.1
     */
    public Builder keyType(KeyType keyType) { this.keyType = keyType; return this; }

    /**
     * The engine's options ({@code renewBefore}, {@code profile}, {@code reuseKey}).
     *
     * @since 0.1
     */
    public Builder options(Map<String, String> options) { this.options = Map.copyOf(options); return this; }

    /**
     * The targets that serve the certificate.
     *
     * @since 0.1
     */
    public Builder targets(List<? extends DeployTarget> targets) { this.targets = List.copyOf(targets); return this; }

    /**
     * The issuer for this certificate alone (default: the manager's issuer for the source).
     *
     * @since 0.1
     */
    public Builder issuer(Issuer issuer) { this.issuer = Objects.requireNonNull(issuer); return this; }

    /**
     * Issuers to hand over to, in order, when the first keeps failing.
     *
     * @since 0.1
     */
    public Builder fallbacks(List<Issuer> fallbacks) { this.fallbacks = List.copyOf(fallbacks); return this; }

    /**
     * How long the issuer must keep failing before the next one is asked.
     *
     * @since 0.1
     */
    public Builder fallbackAfter(Duration after) { this.fallbackAfter = Objects.requireNonNull(after); return this; }

    /**
     * Windows for one target id, or {@link #ALL_TARGETS}.
     *
     * @since 0.1
     */
    public Builder windows(String targetId, List<DeployWindow> list) {
      windows.put(targetId, List.copyOf(list));
      return this;
    }

    /**
     * The {@code issuer:} block it was configured with, kept in {@code spec.json}.
     *
     * @since 0.1
     */
    public Builder issuerSettings(ObjectNode block) { this.issuerSettings = block; return this; }

    /**
     * The certificate.
     *
     * @since 0.1
     */
    public ManagedCertificate build() { return new ManagedCertificate(this); }
  }
}
