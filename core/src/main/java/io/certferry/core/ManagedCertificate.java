package io.certferry.core;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.issue.Issuer;
import io.certferry.core.x509.KeyType;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate {@link CertManager} keeps alive: its lineage name, the names it must cover, where it
 * comes from ({@code acme}, {@code local} or {@code imported}), its key type, the engine's options
 * ({@code renewBefore}, {@code profile}, {@code reuseKey}), the targets that serve it and its issuer.
 *
 * @param issuer the issuer for this certificate alone; empty means the manager's issuer for {@code source}
 * @param issuerSettings the {@code issuer:} block it was configured with, kept in {@code spec.json} so the
 *     CLI can rebuild the issuer from the store alone; empty for issuers passed in code
 * @since 0.1
 */
public record ManagedCertificate(String name, List<String> domains, String source, KeyType keyType,
                                 Map<String, String> options, List<DeployTarget> targets, Optional<Issuer> issuer,
                                 Optional<ObjectNode> issuerSettings) {
  public ManagedCertificate {
    Objects.requireNonNull(name, "name");
    domains = List.copyOf(domains);
    Objects.requireNonNull(source, "source");
    keyType = keyType == null ? KeyType.EC_P256 : keyType;
    options = options == null ? Map.of() : Map.copyOf(options);
    targets = targets == null ? List.of() : List.copyOf(targets);
    issuer = issuer == null ? Optional.empty() : issuer;
    issuerSettings = issuerSettings == null ? Optional.empty() : issuerSettings.map(ObjectNode::deepCopy);
  }

  /**
   * A certificate with default key type, no options, no targets and the manager's issuer for its source.
   *
   * @since 0.1
   */
  public static ManagedCertificate of(String name, List<String> domains, String source) {
    return new ManagedCertificate(name, domains, source, KeyType.EC_P256, Map.of(), List.of(), Optional.empty(),
        Optional.empty());
  }

  /**
   * This certificate deployed to {@code targets}.
   *
   * @since 0.1
   */
  public ManagedCertificate withTargets(List<? extends DeployTarget> targets) {
    return new ManagedCertificate(name, domains, source, keyType, options, List.copyOf(targets), issuer, issuerSettings);
  }

  /**
   * This certificate with the engine's options ({@code renewBefore}, {@code profile}, {@code reuseKey}).
   *
   * @since 0.1
   */
  public ManagedCertificate withOptions(Map<String, String> options) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, issuer, issuerSettings);
  }

  /**
   * This certificate obtained from {@code issuer}, whatever the manager's issuer for its source.
   *
   * @since 0.1
   */
  public ManagedCertificate withIssuer(Issuer issuer) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, Optional.of(issuer), issuerSettings);
  }

  /**
   * This certificate with keys of {@code keyType}.
   *
   * @since 0.1
   */
  public ManagedCertificate withKeyType(KeyType keyType) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, issuer, issuerSettings);
  }

  /**
   * This certificate with the {@code issuer:} block it was configured with.
   *
   * @since 0.1
   */
  public ManagedCertificate withIssuerSettings(ObjectNode block) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, issuer, Optional.of(block));
  }

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
}
