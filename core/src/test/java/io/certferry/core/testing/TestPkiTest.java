package io.certferry.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestPkiTest {
  @Test
  void buildsAChainShapedLikeSectigoDv() throws Exception {
    TestPki.Ca root = TestPki.root("USERTrust RSA Certification Authority");
    TestPki.Ca dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
    CertificateBundle b = dv.leaf(List.of("example.org", "www.example.org"));

    assertThat(b.names()).containsExactly("example.org", "www.example.org");
    assertThat(b.chain()).containsExactly(dv.certificate());
    b.leaf().verify(dv.certificate().getPublicKey());
    dv.certificate().verify(root.certificate().getPublicKey());
    assertThat(b.sha256()).matches("[0-9a-f]{64}");
  }
}
