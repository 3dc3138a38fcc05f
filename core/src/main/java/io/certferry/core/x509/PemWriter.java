package io.certferry.core.x509;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;

/**
 * Writes PEM the way servers and CAs expect it: 64-column base64, LF line ends, one block after another.
 *
 * @since 0.1
 */
public final class PemWriter {
  private PemWriter() {}

  /**
   * {@code CERTIFICATE} blocks in the given order (leaf first for a full chain).
   *
   * @since 0.1
   */
  public static String certificates(List<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    for (X509Certificate c : certificates) {
      try {
        out.append(Pem.encode("CERTIFICATE", c.getEncoded()));
      } catch (CertificateEncodingException e) {
        throw new IllegalArgumentException("certificate cannot be DER-encoded: " + e.getMessage(), e);
      }
    }
    return out.toString();
  }

  /**
   * The key as an unencrypted PKCS#8 {@code PRIVATE KEY} block (what nginx, openssl and cloud APIs read).
   *
   * @since 0.1
   */
  public static String privateKey(PrivateKey key) {
    byte[] der = key.getEncoded();
    if (der == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException(key.getAlgorithm() + " key cannot be exported as PKCS#8");
    }
    try {
      return Pem.encode("PRIVATE KEY", der);
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }

  /**
   * An X.509 {@code PUBLIC KEY} block (SubjectPublicKeyInfo), as kept beside an ACME account key.
   *
   * @since 0.1
   */
  public static String publicKey(PublicKey key) { return Pem.encode("PUBLIC KEY", key.getEncoded()); }

  /**
   * A PKCS#10 request as a {@code CERTIFICATE REQUEST} block, the form CA order forms accept.
   *
   * @since 0.1
   */
  public static String csr(byte[] der) { return Pem.encode("CERTIFICATE REQUEST", der); }
}
