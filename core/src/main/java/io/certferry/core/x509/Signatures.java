package io.certferry.core.x509;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/** Signature checks between certificates, with the JDK's providers. */
final class Signatures {
  private Signatures() {}

  /** True when {@code issuer}'s key verifies {@code subject}'s signature (names are not compared). */
  static boolean signs(X509Certificate issuer, X509Certificate subject) {
    try {
      subject.verify(issuer.getPublicKey());
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** An issuer candidate: its subject is the certificate's issuer name and its key verifies the signature. */
  static boolean issues(X509Certificate issuer, X509Certificate subject) {
    return issuer.getSubjectX500Principal().equals(subject.getIssuerX500Principal()) && signs(issuer, subject);
  }
}
