package io.certferry.core.x509;

import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/** Short names for certificates in messages: {@code CN=Sectigo RSA Domain Validation Secure Server CA}. */
final class Names {
  private Names() {}

  static String subject(X509Certificate cert) { return shortName(cert.getSubjectX500Principal()); }

  static String issuer(X509Certificate cert) { return shortName(cert.getIssuerX500Principal()); }

  /** {@code CN=...} when the name has a common name, else the whole RFC 2253 name. */
  static String shortName(X500Principal principal) {
    try {
      RDN[] cns = X500Name.getInstance(principal.getEncoded()).getRDNs(BCStyle.CN);
      if (cns.length > 0) {
        return "CN=" + IETFUtils.valueToString(cns[0].getFirst().getValue());
      }
    } catch (RuntimeException e) {
      // fall through to the full name
    }
    String full = principal.getName(X500Principal.RFC2253);
    return full.isEmpty() ? "(empty name)" : full;
  }

  static boolean isSelfIssued(X509Certificate cert) {
    return cert.getSubjectX500Principal().equals(cert.getIssuerX500Principal());
  }

  /** Self-issued and signed by its own key: a root. */
  static boolean isSelfSigned(X509Certificate cert) {
    return isSelfIssued(cert) && Signatures.signs(cert, cert);
  }
}
