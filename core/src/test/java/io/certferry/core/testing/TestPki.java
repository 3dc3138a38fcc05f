package io.certferry.core.testing;

import io.certferry.core.CertificateBundle;
import io.certferry.core.x509.KeyType;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds certificate hierarchies in tests, shaped like real ones: a root, intermediates and leaves
 * with SANs. Uses the JDK's providers for keys and signatures (no Bouncy Castle registration).
 *
 * <pre>
 * TestPki.Ca root = TestPki.root("USERTrust RSA Certification Authority");
 * TestPki.Ca dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
 * CertificateBundle b = dv.leaf(List.of("example.org", "www.example.org"));
 * </pre>
 */
public final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);

  private TestPki() {}

  /** A self-signed root CA with an EC P-256 key, valid from a day ago for ten years. */
  public static Ca root(String commonName) { return root(commonName, KeyType.EC_P256); }

  public static Ca root(String commonName, KeyType keyType) {
    KeyPair kp = keyType.generate();
    X500Name name = new X500Name("CN=" + commonName + ",O=Certferry Test");
    Instant now = Instant.now();
    X509Certificate cert = sign(name, kp.getPrivate(), name, kp, now.minus(Duration.ofDays(1)),
        now.plus(Duration.ofDays(3650)), true, List.of(), null);
    return new Ca(cert, kp, List.of());
  }

  /** A certificate authority in a test hierarchy. */
  public static final class Ca {
    private final X509Certificate certificate;
    private final KeyPair keyPair;
    private final List<X509Certificate> parents; // issuer of this CA first, root last

    Ca(X509Certificate certificate, KeyPair keyPair, List<X509Certificate> parents) {
      this.certificate = certificate;
      this.keyPair = keyPair;
      this.parents = List.copyOf(parents);
    }

    public X509Certificate certificate() { return certificate; }

    public PrivateKey privateKey() { return keyPair.getPrivate(); }

    /** This CA and its parents up to the root, this CA first. */
    public List<X509Certificate> path() {
      List<X509Certificate> all = new ArrayList<>();
      all.add(certificate);
      all.addAll(parents);
      return all;
    }

    /** An intermediate CA signed by this one, valid for five years. */
    public Ca intermediate(String commonName) {
      KeyPair kp = KeyType.EC_P256.generate();
      Instant now = Instant.now();
      X509Certificate cert = sign(new X500Name("CN=" + commonName + ",O=Certferry Test"), keyPair.getPrivate(),
          subject(), kp, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)), true, List.of(), certificate);
      return new Ca(cert, kp, path());
    }

    /** A 90-day EC P-256 leaf for the names, starting an hour ago; the bundle's chain excludes the root. */
    public CertificateBundle leaf(List<String> names) {
      Instant now = Instant.now();
      return leaf(names, KeyType.EC_P256, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));
    }

    public CertificateBundle leaf(List<String> names, KeyType keyType, Instant notBefore, Instant notAfter) {
      return leaf(names, keyType.generate(), notBefore, notAfter);
    }

    public CertificateBundle leaf(List<String> names, KeyPair kp, Instant notBefore, Instant notAfter) {
      X509Certificate cert = sign(new X500Name("CN=" + names.get(0)), keyPair.getPrivate(), subject(), kp,
          notBefore, notAfter, false, names, certificate);
      List<X509Certificate> chain = new ArrayList<>(path());
      chain.removeIf(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
      return CertificateBundle.of(cert, chain, kp.getPrivate());
    }

    private X500Name subject() { return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()); }
  }

  static X509Certificate sign(X500Name subject, PrivateKey issuerKey, X500Name issuer, KeyPair subjectKeys,
                              Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames,
                              X509Certificate issuerCert) {
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
          java.util.Date.from(notBefore), java.util.Date.from(notAfter), subject, subjectKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.basicConstraints, true, ca ? new BasicConstraints(0) : new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, ca
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
      if (issuerCert != null) {
        b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
      }
      if (!dnsNames.isEmpty()) {
        GeneralName[] gns = dnsNames.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new);
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(gns));
      }
      String alg = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      ContentSigner signer = new JcaContentSignerBuilder(alg).build(issuerKey);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("test certificate could not be built", e);
    }
  }
}
