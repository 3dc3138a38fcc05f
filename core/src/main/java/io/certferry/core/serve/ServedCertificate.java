package io.certferry.core.serve;

import io.certferry.core.CertificateBundle;

import java.security.cert.X509Certificate;

/**
 * One certificate the key manager hands out under an alias: a lineage's version, or a tls-alpn-01
 * validation certificate (lineage null). The alias names the version, so a handshake that chose it gets
 * that version's chain and key even when a newer one is swapped in between the two calls.
 */
record ServedCertificate(String alias, String lineage, int version, CertificateBundle bundle) {
  /** A lineage's version. */
  static ServedCertificate of(String lineage, int version, CertificateBundle bundle) {
    return new ServedCertificate(lineage + "#" + version, lineage, version, bundle);
  }

  /** What JSSE asks for: the leaf first, then the chain. */
  X509Certificate[] chain() { return bundle.fullChain().toArray(new X509Certificate[0]); }

  /**
   * Whether the key can serve a handshake that asks for {@code keyType}: JSSE asks for {@code EC},
   * {@code RSA}, {@code RSASSA-PSS} and, for TLS 1.2, {@code EC_EC} or {@code RSA_...} forms whose first part
   * is the key's algorithm.
   */
  boolean fits(String keyType) {
    if (keyType == null) {
      return true;
    }
    int sep = keyType.indexOf('_');
    String algorithm = sep > 0 ? keyType.substring(0, sep) : keyType;
    return bundle.privateKey().getAlgorithm().equalsIgnoreCase(algorithm);
  }
}
