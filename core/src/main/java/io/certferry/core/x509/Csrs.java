package io.certferry.core.x509;

import java.io.IOException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * Certificate signing requests (PKCS#10) for the names a certificate should cover: every name as a
 * DNS subject alternative name (an IP address literal as an IP address one, RFC 8738), the first also
 * as the subject CN (commercial CAs' order forms still read it). Signed with SHA-256 by the JDK's providers.
 *
 * @since 0.1
 */
public final class Csrs {
  /** The longest CN X.509 allows (RFC 5280 ub-common-name); longer first names go only into the SAN. */
  private static final int MAX_CN = 64;

  private Csrs() {}

  /**
   * A DER-encoded PKCS#10 request for {@code names}, signed by {@code keys}.
   *
   * @throws IllegalArgumentException when {@code names} is empty or holds a blank name
   * @since 0.1
   */
  public static byte[] create(KeyPair keys, List<String> names) {
    List<String> dns = normalize(names);
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    if (dns.get(0).length() <= MAX_CN) {
      subject.addRDN(BCStyle.CN, dns.get(0));
    }
    try {
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      GeneralName[] sans = dns.stream().map(n -> new GeneralName(IpAddresses.isLiteral(n) ? GeneralName.iPAddress
          : GeneralName.dNSName, n)).toArray(GeneralName[]::new);
      extensions.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
      X500Name name = subject.build();
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequestBuilder(name, keys.getPublic())
          .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
          .build(signer(keys));
      return csr.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("the CSR could not be encoded", e);
    }
  }

  private static ContentSigner signer(KeyPair keys) {
    String algorithm = switch (keys.getPrivate().getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> throw new IllegalArgumentException(keys.getPrivate().getAlgorithm() + " keys cannot sign a CSR here; use EC or RSA");
    };
    try {
      return new JcaContentSignerBuilder(algorithm).build(keys.getPrivate());
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("this JDK cannot sign with " + algorithm, e);
    }
  }

  private static List<String> normalize(List<String> names) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String n : names) {
      String name = n == null ? "" : n.trim().toLowerCase(Locale.ROOT);
      if (name.endsWith(".")) name = name.substring(0, name.length() - 1);
      if (name.isEmpty()) throw new IllegalArgumentException("a CSR name is blank");
      out.add(name);
    }
    if (out.isEmpty()) throw new IllegalArgumentException("a CSR needs at least one name");
    return new ArrayList<>(out);
  }
}
