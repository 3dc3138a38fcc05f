package io.certferry.provider.nginx;

import io.certferry.core.deploy.TlsProbe;

import java.io.IOException;

/**
 * Reads the SHA-256 of the leaf a TLS endpoint serves for an SNI name; in production the provider
 * context's {@link TlsProbe} shakes hands for real.
 */
@FunctionalInterface
public interface ServedCertificates {

  /** @param serverName SNI name, or null to send none */
  String sha256(String host, int port, String serverName) throws IOException;
}
