package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One place a certificate is served: a load balancer, a CDN endpoint, a site, a web server.
 * Implementations come from providers through {@link io.certferry.core.ProviderFactory}.
 *
 * @since 0.1
 */
public interface DeployTarget {
  /**
   * The id from config, e.g. {@code do-lb-main}; unique per certificate.
   *
   * @since 0.1
   */
  String id();

  /**
   * SHA-256 (lower-case hex) of the leaf this target serves or uses now, when it can tell cheaply
   * (one API call or one handshake). Empty when unknown: the deployer then deploys.
   *
   * @since 0.1
   */
  Optional<String> deployedFingerprint() throws DeployException;

  /**
   * Whether {@link #deployedFingerprint()} can ever answer. A target that cannot (a hook) returns
   * false: the deployer then trusts its record in {@code deployments.json} instead of deploying again
   * every pass. For every other target an empty answer means "not serving it", and it is deployed.
   *
   * @since 0.1
   */
  default boolean reportsWhatItServes() { return true; }

  /**
   * Whether this target serves the version whose bundle has SHA-256 {@code sha256} now: the deployer asks
   * before deploying, and deploys on false or empty (cannot tell). The default compares
   * {@link #deployedFingerprint()} with {@code sha256}. A target whose API names what it serves otherwise
   * (DigitalOcean's SHA-1, Netlify's expiry and names) answers from that, so a pass in a new process finds it
   * in sync without deploying; it calls {@code bundle} (which reads the version from the store, key
   * included) only when what it knows from this process cannot tell.
   *
   * @since 0.1
   */
  default Optional<Boolean> serves(String sha256, Supplier<CertificateBundle> bundle) throws DeployException {
    return deployedFingerprint().map(sha256::equals);
  }

  /**
   * Puts the bundle in place. Idempotent: running it twice, or again after a crash half-way,
   * converges without duplicates or leftovers.
   *
   * @since 0.1
   */
  DeployReceipt deploy(CertificateBundle bundle) throws DeployException;

  /**
   * Proves the target serves the bundle; by default compares {@link #deployedFingerprint()}.
   * Targets with a public endpoint override this with a TLS handshake ({@link TlsProbe}).
   *
   * @since 0.1
   */
  default VerifyResult verify(CertificateBundle bundle) throws DeployException {
    Optional<String> now = deployedFingerprint();
    if (now.isEmpty()) {
      return VerifyResult.skipped("target " + id() + " cannot tell what it serves");
    }
    return now.get().equals(bundle.sha256())
        ? VerifyResult.ok("target " + id() + " uses " + bundle.sha256())
        : VerifyResult.mismatch(bundle.sha256(), now.get(), "target " + id() + " still uses " + now.get());
  }
}
