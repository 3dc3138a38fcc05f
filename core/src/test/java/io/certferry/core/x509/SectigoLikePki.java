package io.certferry.core.x509;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;

import java.security.cert.X509Certificate;
import java.util.List;

/** One hierarchy shaped like a Sectigo DV chain, built once per test run (RSA keys take a moment). */
final class SectigoLikePki {
  static final TestPki.Ca ROOT = TestPki.root("USERTrust RSA Certification Authority", KeyType.RSA_2048);
  static final TestPki.Ca DV = ROOT.intermediate("Sectigo RSA Domain Validation Secure Server CA", KeyType.RSA_2048);
  static final CertificateBundle LEAF = DV.leaf(List.of("example.org", "www.example.org"));

  private SectigoLikePki() {}

  static X509Certificate leaf() { return LEAF.leaf(); }

  static X509Certificate dv() { return DV.certificate(); }

  static X509Certificate root() { return ROOT.certificate(); }

  static TrustAnchors anchors() { return TrustAnchors.only(List.of(root())); }
}
