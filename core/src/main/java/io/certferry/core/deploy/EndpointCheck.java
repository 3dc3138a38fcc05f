package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;

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
