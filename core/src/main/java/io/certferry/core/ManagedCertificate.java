package io.certferry.core;

import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.issue.Issuer;
import io.certferry.core.x509.KeyType;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One certificate {@link CertManager} keeps alive: its lineage name, the names it must cover, where
 * it comes from ({@code acme}, {@code local} or {@code imported}), its key type, the issuer's options
 * ({@code renewBefore}, {@code profile}, {@code reuseKey}, ...) and the targets that serve it.
 *
 * @param issuer the issuer for this certificate alone; empty means the manager's issuer for {@code source}
 */
public record ManagedCertificate(String name, List<String> domains, String source, KeyType keyType,
                                 Map<String, String> options, List<DeployTarget> targets, Optional<Issuer> issuer) {
  public ManagedCertificate {
    Objects.requireNonNull(name, "name");
    domains = List.copyOf(domains);
    Objects.requireNonNull(source, "source");
    keyType = keyType == null ? KeyType.EC_P256 : keyType;
    options = options == null ? Map.of() : Map.copyOf(options);
    targets = targets == null ? List.of() : List.copyOf(targets);
    issuer = issuer == null ? Optional.empty() : issuer;
  }

  /** A certificate with default key type, no options, no targets and the manager's issuer for its source. */
  public static ManagedCertificate of(String name, List<String> domains, String source) {
    return new ManagedCertificate(name, domains, source, KeyType.EC_P256, Map.of(), List.of(), Optional.empty());
  }

  public ManagedCertificate withTargets(List<? extends DeployTarget> targets) {
    return new ManagedCertificate(name, domains, source, keyType, options, List.copyOf(targets), issuer);
  }

  public ManagedCertificate withOptions(Map<String, String> options) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, issuer);
  }

  public ManagedCertificate withIssuer(Issuer issuer) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, Optional.of(issuer));
  }

  public ManagedCertificate withKeyType(KeyType keyType) {
    return new ManagedCertificate(name, domains, source, keyType, options, targets, issuer);
  }

  /** Whether the renewal keeps the current key ({@code reuseKey: true}). */
  public boolean reuseKey() { return Boolean.parseBoolean(options.getOrDefault("reuseKey", "false")); }
}
