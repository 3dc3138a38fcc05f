package io.certferry.core.issue.local;

import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.x509.KeyType;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.GeneralSubtree;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.NameConstraints;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds the local CA's root and leaves with Bouncy Castle's lightweight builders and the JDK's
 * signature and key providers (no provider registration).
 */
final class LocalCaCertificates {
  /** Certificates start an hour back, so a client whose clock runs a little slow accepts them. */
  static final Duration BACKDATE = Duration.ofHours(1);
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalCaCertificates() {}

  static LocalCaMaterial root(String commonName, KeyType keyType, Instant now, Duration lifetime,
                              List<String> permittedDomains) {
    KeyPair kp = keyType.generate();
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Certferry")
        .addRDN(BCStyle.CN, commonName).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(BACKDATE)),
          Date.from(now.plus(lifetime)), name, kp.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(kp.getPublic()));
      if (!permittedDomains.isEmpty()) {
        GeneralSubtree[] permitted = permittedDomains.stream()
            .map(d -> new GeneralSubtree(new GeneralName(GeneralName.dNSName, d))).toArray(GeneralSubtree[]::new);
        b.addExtension(Extension.nameConstraints, true, new NameConstraints(permitted, null));
      }
      return new LocalCaMaterial(sign(b, kp.getPrivate()), kp.getPrivate());
    } catch (CertIOException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("the local CA's root could not be built", e);
    }
  }

  static X509Certificate leaf(LocalCaMaterial ca, List<SubjectNames.Name> names, PublicKey subjectKey,
                              Instant now, Instant notAfter) {
    String first = names.get(0).text();
    // CN is limited to 64 characters; a longer first name stays in the SAN only (RFC 5280 4.2.1.6).
    X500Name subject = first.length() <= 64 ? new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, first).build()
        : new X500Name(new RDN[0]);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509Certificate root = ca.certificate();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(
          root.getSubjectX500Principal().getEncoded()), serial(), Date.from(now.minus(BACKDATE)), Date.from(notAfter),
          subject, subjectKey);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      int usage = KeyUsage.digitalSignature | (subjectKey.getAlgorithm().equals("RSA") ? KeyUsage.keyEncipherment : 0);
      b.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
      b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root));
      b.addExtension(Extension.subjectAlternativeName, subject.getRDNs().length == 0, sans(names));
      return sign(b, ca.privateKey());
    } catch (CertIOException | NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("a local certificate could not be built", e);
    }
  }

  /** The DNS domains a root's name constraint permits; empty when unconstrained. */
  static List<String> permittedDomains(X509Certificate root) {
    byte[] ext = root.getExtensionValue(Extension.nameConstraints.getId());
    if (ext == null) {
      return List.of();
    }
    NameConstraints nc = NameConstraints.getInstance(ASN1OctetString.getInstance(ext).getOctets());
    List<String> out = new ArrayList<>();
    if (nc.getPermittedSubtrees() != null) {
      for (GeneralSubtree t : nc.getPermittedSubtrees()) {
        if (t.getBase().getTagNo() == GeneralName.dNSName) {
          out.add(t.getBase().getName().toString());
        }
      }
    }
    return List.copyOf(out);
  }

  private static GeneralNames sans(List<SubjectNames.Name> names) {
    GeneralName[] out = names.stream().map(n -> n.isIp()
        ? new GeneralName(GeneralName.iPAddress, n.ip().getHostAddress())
        : new GeneralName(GeneralName.dNSName, n.text())).toArray(GeneralName[]::new);
    return new GeneralNames(out);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key) {
    try {
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm(key)).build(key)));
    } catch (OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("the local CA could not sign: " + e.getMessage(), e);
    }
  }

  /** SHA-384 with a P-384 key, SHA-256 otherwise (the pairing browsers expect). */
  private static String algorithm(PrivateKey key) {
    if (key instanceof ECKey ec) {
      return ec.getParams().getCurve().getField().getFieldSize() > 256 ? "SHA384withECDSA" : "SHA256withECDSA";
    }
    return "SHA256withRSA";
  }

  /** 127 random bits, positive and non-zero, as the CA/Browser Forum asks of public CAs. */
  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).setBit(126);
  }
}
