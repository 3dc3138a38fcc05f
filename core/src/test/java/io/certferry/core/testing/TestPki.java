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
import java.util.Date;
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
        now.plus(Duration.ofDays(3650)), UNLIMITED, List.of(), null);
    return new Ca(cert, kp, List.of());
  }

  /** A self-signed leaf (no CA behind it) for the names: the bundle's chain is empty. */
  public static CertificateBundle selfSignedLeaf(List<String> names, KeyType keyType) {
    KeyPair kp = keyType.generate();
    X500Name name = new X500Name("CN=" + names.get(0));
    Instant now = Instant.now();
    X509Certificate cert = sign(name, kp.getPrivate(), name, kp, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(90)), null, names, null);
    return CertificateBundle.of(cert, List.of(), kp.getPrivate());
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

    public KeyPair keyPair() { return keyPair; }

    public PrivateKey privateKey() { return keyPair.getPrivate(); }

    /** This CA and its parents up to the root, this CA first. */
    public List<X509Certificate> path() {
      List<X509Certificate> all = new ArrayList<>();
      all.add(certificate);
      all.addAll(parents);
      return all;
    }

    /** An intermediate CA signed by this one, valid for five years. */
    public Ca intermediate(String commonName) { return intermediate(commonName, KeyType.EC_P256); }

    /** An intermediate CA with a key of the given type, valid from a day ago for five years. */
    public Ca intermediate(String commonName, KeyType keyType) {
      Instant now = Instant.now();
      return intermediate(commonName, keyType, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)));
    }

    /** An intermediate CA (path length 0, like a real issuing CA) valid between the given instants. */
    public Ca intermediate(String commonName, KeyType keyType, Instant notBefore, Instant notAfter) {
      KeyPair kp = keyType.generate();
      X509Certificate cert = sign(new X500Name("CN=" + commonName + ",O=Certferry Test"), keyPair.getPrivate(),
          subject(), kp, notBefore, notAfter, 0, List.of(), certificate);
      return new Ca(cert, kp, path());
    }

    /** An intermediate CA without a path length limit, which may itself issue CAs. */
    public Ca intermediateWithoutPathLimit(String commonName) {
      KeyPair kp = KeyType.EC_P256.generate();
      Instant now = Instant.now();
      X509Certificate cert = sign(new X500Name("CN=" + commonName + ",O=Certferry Test"), keyPair.getPrivate(),
          subject(), kp, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(1825)), UNLIMITED, List.of(), certificate);
      return new Ca(cert, kp, path());
    }

    /**
     * A cross-certificate: {@code other}'s name and key, issued by this CA (like "USERTrust RSA
     * Certification Authority" cross-signed by "AAA Certificate Services").
     */
    public X509Certificate crossSign(Ca other) {
      Instant now = Instant.now();
      X500Name otherName = X500Name.getInstance(other.certificate.getSubjectX500Principal().getEncoded());
      return sign(otherName, keyPair.getPrivate(), subject(), other.keyPair, now.minus(Duration.ofDays(1)),
          now.plus(Duration.ofDays(1825)), UNLIMITED, List.of(), certificate);
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
          notBefore, notAfter, null, names, certificate);
      List<X509Certificate> chain = new ArrayList<>(path());
      chain.removeIf(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
      return CertificateBundle.of(cert, chain, kp.getPrivate());
    }

    private X500Name subject() { return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()); }
  }

  /** CA path length for {@link #sign}: no limit. */
  private static final int UNLIMITED = -1;

  static X509Certificate sign(X500Name subject, PrivateKey issuerKey, X500Name issuer, KeyPair subjectKeys,
                              Instant notBefore, Instant notAfter, boolean ca, List<String> dnsNames,
                              X509Certificate issuerCert) {
    return sign(subject, issuerKey, issuer, subjectKeys, notBefore, notAfter, ca ? Integer.valueOf(0) : null, dnsNames,
        issuerCert);
  }

  /** {@code caPathLength}: null for a leaf, {@link #UNLIMITED} or a path length for a CA. */
  static X509Certificate sign(X500Name subject, PrivateKey issuerKey, X500Name issuer, KeyPair subjectKeys,
                              Instant notBefore, Instant notAfter, Integer caPathLength, List<String> dnsNames,
                              X509Certificate issuerCert) {
    boolean ca = caPathLength != null;
    try {
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKeys.getPublic());
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      BasicConstraints constraints = !ca ? new BasicConstraints(false)
          : caPathLength == UNLIMITED ? new BasicConstraints(true) : new BasicConstraints(caPathLength);
      b.addExtension(Extension.basicConstraints, true, constraints);
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
