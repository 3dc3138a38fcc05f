package io.certferry.core.renew;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;

/**
 * The ACME Renewal Information certificate identifier (RFC 9773 section 4.1):
 * {@code base64url(AKI keyIdentifier) "." base64url(serial number DER content octets)}, without
 * padding. It names the certificate in {@code GET {renewalInfo}/{certID}} and in a new order's
 * {@code replaces} field.
 *
 * @since 0.1
 */
public final class AriCertificateId {
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private AriCertificateId() {}

  /**
   * The id of a certificate, or empty when it has no Authority Key Identifier with a key
   * identifier (such a certificate cannot be named to an ARI server).
   *
   * @since 0.1
   */
  public static Optional<String> of(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue("2.5.29.35");
    if (extension == null) {
      return Optional.empty();
    }
    byte[] keyId;
    try {
      AuthorityKeyIdentifier aki = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets());
      keyId = aki.getKeyIdentifierObject() == null ? null : aki.getKeyIdentifierObject().getOctets();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (keyId == null || keyId.length == 0) {
      return Optional.empty();
    }
    return Optional.of(of(keyId, certificate.getSerialNumber()));
  }

  /**
   * The id from a key identifier and a serial number. The serial is encoded as the DER INTEGER's
   * content octets, so a serial whose top bit is set keeps its leading zero byte, as the RFC's
   * example {@code 00:87:65:43:21} shows.
   *
   * @since 0.1
   */
  public static String of(byte[] authorityKeyIdentifier, BigInteger serial) {
    if (serial.signum() < 0) {
      throw new IllegalArgumentException("certificate serial numbers are positive, got " + serial);
    }
    // BigInteger.toByteArray() is the minimal two's-complement form: exactly DER's content octets.
    return B64URL.encodeToString(authorityKeyIdentifier) + "." + B64URL.encodeToString(serial.toByteArray());
  }
}
