package io.certferry.agent.cli;

import io.certferry.core.CertificateBundle;
import io.certferry.core.x509.KeyType;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A root -> issuing CA -> leaf hierarchy that strict verifiers (openssl) accept: the root has no
 * path length limit, the issuing CA has path length 0, as in the real Sectigo DV chain. Used where
 * openssl checks what the store wrote.
 */
final class StrictPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffL);

  final KeyPair rootKeys = KeyType.EC_P256.generate();
  final X509Certificate root;
  final KeyPair caKeys = KeyType.EC_P256.generate();
  final X509Certificate issuingCa;

  StrictPki(String rootName, String caName) {
    Instant now = Instant.now();
    X500Name r = new X500Name("CN=" + rootName + ",O=Certferry Test");
    root = sign(r, rootKeys, r, rootKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3650)),
        new BasicConstraints(true), List.of(), null);
    issuingCa = sign(new X500Name("CN=" + caName + ",O=Certferry Test"), caKeys, r, rootKeys, now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(1825)), new BasicConstraints(0), List.of(), root);
  }

  CertificateBundle leaf(List<String> names) {
    KeyPair kp = KeyType.EC_P256.generate();
    Instant now = Instant.now();
    X509Certificate cert = sign(new X500Name("CN=" + names.get(0)), kp,
        X500Name.getInstance(issuingCa.getSubjectX500Principal().getEncoded()), caKeys,
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)), new BasicConstraints(false), names, issuingCa);
    return CertificateBundle.of(cert, List.of(issuingCa), kp.getPrivate());
  }

  private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                      Instant from, Instant to, BasicConstraints bc, List<String> dns,
                                      X509Certificate issuerCert) {
    try {
      var b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from),
          Date.from(to), subject, subjectKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, bc);
      b.addExtension(Extension.keyUsage, true, bc.isCA()
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign) : new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
      }
      if (!dns.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
            dns.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
      }
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException("test certificate could not be built", e);
    }
  }
}
