package io.certferry.provider.nginx;

import io.certferry.core.x509.Fingerprints;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The PEM files nginx reads: a full chain (leaf first) and a PKCS#8 private key. */
final class Pem {
  private Pem() {}

  static byte[] certificates(List<X509Certificate> certs) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certs) {
      try {
        block(out, "CERTIFICATE", c.getEncoded());
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("certificate cannot be DER-encoded: " + e.getMessage(), e);
      }
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] privateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("the private key cannot be exported as PKCS#8 (format "
          + key.getFormat() + "); nginx needs a key in a file");
    }
    return block(new StringBuilder(), "PRIVATE KEY", der).toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** SHA-256 of the first certificate in a PEM file; empty when it holds none or cannot be read. */
  static Optional<String> firstCertificateSha256(byte[] pem) {
    try {
      var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      return certs.stream().findFirst().map(c -> Fingerprints.sha256((X509Certificate) c));
    } catch (CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static StringBuilder block(StringBuilder out, String type, byte[] der) {
    out.append("-----BEGIN ").append(type).append("-----\n")
        .append(Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)).append('\n')
        .append("-----END ").append(type).append("-----\n");
    return out;
  }
}
