package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;

class CsrsTest {
  @Test
  void everyNameIsASanAndTheFirstIsTheCn() throws Exception {
    for (KeyType type : List.of(KeyType.EC_P256, KeyType.EC_P384, KeyType.RSA_2048)) {
      KeyPair kp = type.generate();

      PKCS10CertificationRequest csr = new PKCS10CertificationRequest(
          Csrs.create(kp, List.of("Example.org", "www.example.org", "*.media.example.org")));

      assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder().build(kp.getPublic()))).isTrue();
      assertThat(IETFUtils.valueToString(csr.getSubject().getRDNs(BCStyle.CN)[0].getFirst().getValue()))
          .isEqualTo("example.org");
      assertThat(sans(csr)).containsExactly("example.org", "www.example.org", "*.media.example.org");
      assertThat(csr.getSubjectPublicKeyInfo().getEncoded()).isEqualTo(kp.getPublic().getEncoded());
    }
  }

  @Test
  void anAddressIsAnIpSanNotADnsOne() throws Exception {
    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Csrs.create(KeyType.EC_P256.generate(),
        List.of("example.org", "192.0.2.7")));

    Extensions ext = Extensions.getInstance(csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0]
        .getAttrValues().getObjectAt(0));
    GeneralName[] names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName).getNames();
    assertThat(Arrays.stream(names).map(GeneralName::getTagNo).toList())
        .containsExactly(GeneralName.dNSName, GeneralName.iPAddress);
  }

  @Test
  void aFirstNameTooLongForTheCnGoesOnlyIntoTheSan() throws Exception {
    String longName = "a".repeat(60) + ".example.org";

    PKCS10CertificationRequest csr = new PKCS10CertificationRequest(Csrs.create(KeyType.EC_P256.generate(), List.of(longName)));

    assertThat(csr.getSubject().getRDNs(BCStyle.CN)).isEmpty();
    assertThat(sans(csr)).containsExactly(longName);
  }

  @Test
  void refusesNoNamesAndBlankNames() {
    KeyPair kp = KeyType.EC_P256.generate();

    assertThatThrownBy(() -> Csrs.create(kp, List.of())).hasMessageContaining("at least one name");
    assertThatThrownBy(() -> Csrs.create(kp, List.of("example.org", " "))).hasMessageContaining("blank");
  }

  @Test
  void pemWriterOutputReadsBack() throws Exception {
    KeyPair kp = KeyType.EC_P256.generate();
    byte[] der = Csrs.create(kp, List.of("example.org"));

    String csrPem = PemWriter.csr(der);
    String keyPem = PemWriter.privateKey(kp.getPrivate());
    String certPem = PemWriter.certificates(List.of(SectigoLikePki.leaf(), SectigoLikePki.dv()));

    assertThat(csrPem).startsWith("-----BEGIN CERTIFICATE REQUEST-----\n").endsWith("-----END CERTIFICATE REQUEST-----\n");
    assertThat(Arrays.stream(certPem.split("\n")).mapToInt(String::length).max().orElseThrow()).isEqualTo(64);
    assertThat(Pem.blocks(csrPem.getBytes(StandardCharsets.US_ASCII)).get(0).der()).hasValueSatisfying(
        d -> assertThat(d).isEqualTo(der));
    assertThat(PrivateKeyReader.read("key.pem", keyPem.getBytes(StandardCharsets.US_ASCII), Optional.empty()).getEncoded())
        .isEqualTo(kp.getPrivate().getEncoded());
    assertThat(CertificateReader.read("cert.pem", certPem.getBytes(StandardCharsets.US_ASCII)))
        .containsExactly(SectigoLikePki.leaf(), SectigoLikePki.dv());
  }

  static List<String> sans(PKCS10CertificationRequest csr) {
    var attr = csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)[0];
    Extensions ext = Extensions.getInstance(attr.getAttrValues().getObjectAt(0));
    GeneralNames names = GeneralNames.fromExtensions(ext, Extension.subjectAlternativeName);
    return Arrays.stream(names.getNames()).filter(n -> n.getTagNo() == GeneralName.dNSName)
        .map(n -> n.getName().toString()).toList();
  }
}
