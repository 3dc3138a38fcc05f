package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;

import java.math.BigInteger;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.junit.jupiter.api.Test;

class AriCertificateIdTest {
  @Test
  void matchesRfc9773AppendixA() {
    byte[] aki = HexFormat.ofDelimiter(":").parseHex("69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:DE:01:C8:D4");
    BigInteger serial = new BigInteger(1, HexFormat.ofDelimiter(":").parseHex("00:87:65:43:21"));

    assertThat(AriCertificateId.of(aki, serial)).isEqualTo("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
  }

  @Test
  void serialWithoutHighBitHasNoLeadingZero() {
    byte[] aki = {1, 2, 3};
    assertThat(AriCertificateId.of(aki, BigInteger.valueOf(0x7f01))).isEqualTo("AQID.fwE");
  }

  @Test
  void readsKeyIdentifierAndSerialFromCertificate() {
    TestPki.Ca ca = TestPki.root("ARI Test Root");
    CertificateBundle leaf = ca.leaf(List.of("www.example.org"));
    byte[] ext = leaf.leaf().getExtensionValue("2.5.29.35");
    byte[] keyId = AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(ext).getOctets())
        .getKeyIdentifierObject().getOctets();

    String id = AriCertificateId.of(leaf.leaf()).orElseThrow();

    String[] parts = id.split("\\.");
    assertThat(Base64.getUrlDecoder().decode(parts[0])).isEqualTo(keyId);
    assertThat(new BigInteger(Base64.getUrlDecoder().decode(parts[1]))).isEqualTo(leaf.leaf().getSerialNumber());
    assertThat(id).doesNotContain("=").doesNotContain("+").doesNotContain("/");
  }

  @Test
  void certificateWithoutAuthorityKeyIdentifierHasNoId() {
    // TestPki roots are self-signed without an AKI extension.
    assertThat(AriCertificateId.of(TestPki.root("No AKI").certificate())).isEmpty();
  }

  @Test
  void negativeSerialIsRejected() {
    assertThatThrownBy(() -> AriCertificateId.of(new byte[] {1}, BigInteger.valueOf(-5)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
