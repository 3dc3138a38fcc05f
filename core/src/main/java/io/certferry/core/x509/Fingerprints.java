package io.certferry.core.x509;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/**
 * Certificate fingerprints as lower-case hex without colons, the form used in the store and in {@code --json}.
 *
 * @since 0.1
 */
public final class Fingerprints {
  private Fingerprints() {}

  /**
   * SHA-256 of the certificate's DER, lower-case hex without colons.
   *
   * @since 0.1
   */
  public static String sha256(X509Certificate cert) { return digest("SHA-256", der(cert)); }

  /**
   * SHA-1, which DigitalOcean uses to identify uploaded certificates.
   *
   * @since 0.1
   */
  public static String sha1(X509Certificate cert) { return digest("SHA-1", der(cert)); }

  /**
   * SHA-256 of {@code data}, lower-case hex without colons.
   *
   * @since 0.1
   */
  public static String sha256(byte[] data) { return digest("SHA-256", data); }

  private static byte[] der(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("certificate cannot be DER-encoded: " + e.getMessage(), e);
    }
  }

  private static String digest(String algorithm, byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is missing from this JDK", e);
    }
  }
}
