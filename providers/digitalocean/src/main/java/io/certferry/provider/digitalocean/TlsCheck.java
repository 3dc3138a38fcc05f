package io.certferry.provider.digitalocean;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.deploy.VerifyResult;

/** The TLS handshake a target uses to prove what its public endpoint serves, or a skip when switched off. */
record TlsCheck(boolean enabled, String host, int port, String serverName, TlsProbe probe) {
  VerifyResult verify(String targetId, CertificateBundle bundle, String defaultHost) {
    if (!enabled) {
      return VerifyResult.skipped("target " + targetId + ": verify is off");
    }
    String h = host != null ? host : defaultHost;
    String sni = serverName != null ? serverName : h;
    return probe.verify(h, port, sni, bundle.sha256());
  }
}
