package io.certferry.core.serve;

import io.certferry.core.CertificateBundle;
import io.certferry.core.x509.KeyType;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The tls-alpn-01 validation certificate of RFC 8737 section 3: self-signed, exactly one dNSName (the name
 * validated), and the critical id-pe-acmeIdentifier extension holding the SHA-256 of the key
 * authorization. Built with Bouncy Castle's lightweight builders and the JDK's signature provider (no
 * provider registration).
 */
final class ValidationCertificates {
  /** id-pe-acmeIdentifier (RFC 8737 section 6.1). */
  static final ASN1ObjectIdentifier ACME_IDENTIFIER = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.1.31");
  /** A little slack for a validator whose clock runs behind; validators do not check dates, people might. */
  private static final Duration BACKDATE = Duration.ofHours(1);
  /** Longer than any authorization stays pending. */
  private static final Duration LIFETIME = Duration.ofDays(7);
  private static final SecureRandom RANDOM = new SecureRandom();

  private ValidationCertificates() {}

  /** A fresh EC P-256 key and the validation certificate for {@code domain}. */
  static CertificateBundle create(String domain, byte[] acmeValidation, Instant now) {
    if (acmeValidation == null || acmeValidation.length != 32) {
      throw new IllegalArgumentException("tls-alpn-01 for " + domain + ": the acmeIdentifier value must be the"
          + " 32-byte SHA-256 of the key authorization, got " + (acmeValidation == null ? "none" : acmeValidation.length + " bytes"));
    }
    KeyPair kp = KeyType.EC_P256.generate();
    X500Name subject = new X500Name("CN=acme.invalid");
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM).setBit(62),
        Date.from(now.minus(BACKDATE)), Date.from(now.plus(LIFETIME)), subject, kp.getPublic());
    try {
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(new GeneralName(GeneralName.dNSName, domain)));
      b.addExtension(ACME_IDENTIFIER, true, new DEROctetString(acmeValidation));
      X509Certificate cert = new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
      return CertificateBundle.of(cert, List.of(), kp.getPrivate());
    } catch (CertIOException | OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("the tls-alpn-01 validation certificate for " + domain + " could not be built: "
          + e.getMessage(), e);
    }
  }
}
