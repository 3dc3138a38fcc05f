package io.certferry.provider.digitalocean;

import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

/** PEM text for the API bodies: certificates, and the private key as PKCS#8. */
final class Pem {
  private Pem() {}

  static String certificate(X509Certificate cert) {
    try {
      return block("CERTIFICATE", cert.getEncoded());
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be encoded: " + e.getMessage(), e);
    }
  }

  static String certificates(List<X509Certificate> certs) {
    StringBuilder out = new StringBuilder();
    certs.forEach(c -> out.append(certificate(c)));
    return out.toString();
  }

  /** PKCS#8 ("BEGIN PRIVATE KEY"), which DigitalOcean and Netlify read for RSA and EC keys alike. */
  static String privateKey(PrivateKey key) { return block("PRIVATE KEY", key.getEncoded()); }

  private static String block(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
