package io.certferry.provider.nginx;

import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.PemWriter;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/** The PEM files nginx reads, as bytes: a full chain (leaf first) and a PKCS#8 private key. */
final class Pem {
  private Pem() {}

  static byte[] certificates(List<X509Certificate> certs) {
    return PemWriter.certificates(certs).getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] privateKey(PrivateKey key) {
    return PemWriter.privateKey(key).getBytes(StandardCharsets.US_ASCII);
  }

  /** SHA-256 of the first certificate in a PEM file; empty when it holds none or cannot be read. */
  static Optional<String> firstCertificateSha256(byte[] pem) {
    return firstCertificate(pem).map(Fingerprints::sha256);
  }

  /** The first certificate in a PEM file (the leaf of a full chain); empty when it holds none or cannot be read. */
  static Optional<X509Certificate> firstCertificate(byte[] pem) {
    try {
      var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
      return certs.stream().findFirst().map(c -> (X509Certificate) c);
    } catch (CertificateException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
