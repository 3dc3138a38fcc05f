package io.certferry.provider.nginx;

import io.certferry.core.deploy.TlsProbe;

import java.io.IOException;
import java.time.Duration;

/** Reads the SHA-256 of the leaf a TLS endpoint serves for an SNI name; {@link #TLS} shakes hands for real. */
@FunctionalInterface
public interface ServedCertificates {
  ServedCertificates TLS = new TlsProbe(Duration.ofSeconds(5))::servedFingerprint;

  /** @param serverName SNI name, or null to send none */
  String sha256(String host, int port, String serverName) throws IOException;
}
