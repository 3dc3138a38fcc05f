package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * How a target proves what its public endpoint serves: a TLS handshake with SNI to host:port,
 * or a skip when verification is switched off for the target ({@code verify: false}).
 *
 * @param host the endpoint to dial; null means the target's own default host
 * @param serverName the SNI name; null means the host
 * @since 0.1
 */
public record EndpointCheck(boolean enabled, String host, int port, String serverName, TlsProbe probe) {
  /**
   * The leaf served now, by handshake to the configured host (else {@code defaultHost}); empty when verification
   * is off, no host is known, or nothing answers. For discovery: a read, never a change.
   *
   * @since 0.1
   */
  public Optional<X509Certificate> served(String defaultHost) {
    String h = host != null ? host : defaultHost;
    if (!enabled || h == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(probe.servedChain(h, port, serverName != null ? serverName : h).get(0));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Where {@link #served} dials: {@code host:port}, or empty when it would not.
   *
   * @since 0.1
   */
  public Optional<String> endpoint(String defaultHost) {
    String h = host != null ? host : defaultHost;
    return enabled && h != null ? Optional.of(h + ":" + port) : Optional.empty();
  }

  /**
   * Verifies the bundle is served, dialing {@code defaultHost} when no host was configured.
   *
   * @since 0.1
   */
  public VerifyResult verify(String targetId, CertificateBundle bundle, String defaultHost) {
    if (!enabled) {
      return VerifyResult.skipped("target " + targetId + ": verify is off");
    }
    String h = host != null ? host : defaultHost;
    String sni = serverName != null ? serverName : h;
    return probe.verify(h, port, sni, bundle.sha256());
  }
}
