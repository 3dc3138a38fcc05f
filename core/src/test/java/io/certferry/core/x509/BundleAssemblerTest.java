package io.certferry.core.x509;

import static io.certferry.core.x509.SectigoLikePki.DV;
import static io.certferry.core.x509.SectigoLikePki.LEAF;
import static io.certferry.core.x509.SectigoLikePki.ROOT;
import static io.certferry.core.x509.SectigoLikePki.anchors;
import static io.certferry.core.x509.SectigoLikePki.dv;
import static io.certferry.core.x509.SectigoLikePki.leaf;
import static io.certferry.core.x509.SectigoLikePki.root;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;
import io.certferry.core.testing.TestPki;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BundleAssemblerTest {
  private static final String SRC = "cert.pem, chain.pem";
  private static final Clock NOW = Clock.systemUTC();

  @Test
  void ordersTheSectigoChainGivenInEveryOrderWithOrWithoutTheRoot() throws Exception {
    List<List<X509Certificate>> heaps = new ArrayList<>(permutations(List.of(leaf(), dv(), root())));
    heaps.addAll(permutations(List.of(leaf(), dv())));
    assertThat(heaps).hasSize(8);

    for (List<X509Certificate> heap : heaps) {
      CertificateBundle b = assemble(heap, LEAF.privateKey(), anchors());

      assertThat(b.leaf()).as("leaf of %s", heap).isEqualTo(leaf());
      assertThat(b.chain()).as("chain of %s", heap).containsExactly(dv());
      assertThat(b.names()).containsExactly("example.org", "www.example.org");
    }
  }

  @Test
  void toleratesDuplicates() throws Exception {
    CertificateBundle b = assemble(List.of(dv(), leaf(), dv(), root(), leaf()), LEAF.privateKey(), anchors());

    assertThat(b.fullChain()).containsExactly(leaf(), dv());
  }

  @Test
  void ordersAThreeLevelChainBySignatureNotByInputOrder() throws Exception {
    TestPki.Ca usertrust = TestPki.root("USERTrust RSA Certification Authority");
    TestPki.Ca mid = usertrust.intermediateWithoutPathLimit("Sectigo Public Server Authentication CA");
    TestPki.Ca dv = mid.intermediate("Sectigo Public Server Authentication CA DV R36");
    CertificateBundle leaf = dv.leaf(List.of("example.org"));

    CertificateBundle b = assemble(List.of(usertrust.certificate(), dv.certificate(), leaf.leaf(), mid.certificate()),
        leaf.privateKey(), TrustAnchors.only(List.of(usertrust.certificate())));

    assertThat(b.chain()).containsExactly(dv.certificate(), mid.certificate());
  }

  @Test
  void keepsACrossSignAndDropsTheSelfSignedCopyOfTheSameCa() throws Exception {
    TestPki.Ca aaa = TestPki.root("AAA Certificate Services");
    X509Certificate crossSigned = aaa.crossSign(ROOT); // USERTrust's name and key, issued by AAA

    // a client that only knows AAA still gets a path; one that knows USERTrust anchors at the DV CA
    for (TrustAnchors trust : List.of(TrustAnchors.only(List.of(aaa.certificate())), anchors())) {
      CertificateBundle b = assemble(List.of(root(), crossSigned, leaf(), dv()), LEAF.privateKey(), trust);

      assertThat(b.chain()).containsExactly(dv(), crossSigned);
    }
  }

  @Test
  void acceptsALeafIssuedDirectlyByAPrivateAnchor() throws Exception {
    TestPki.Ca privateCa = TestPki.root("Example Corp Internal CA");
    CertificateBundle internal = privateCa.leaf(List.of("intranet.example.org"));

    CertificateBundle b = assemble(List.of(internal.leaf()), internal.privateKey(),
        TrustAnchors.jdkDefault().with(List.of(privateCa.certificate())));

    assertThat(b.chain()).isEmpty();
  }

  @Test
  void rejectsAKeyThatMatchesNoCertificate() {
    PrivateKey otherKey = KeyType.EC_P256.generate().getPrivate();

    assertThatThrownBy(() -> assemble(List.of(leaf(), dv()), otherKey, anchors()))
        .isInstanceOf(InputRejectedException.class)
        .hasMessageContaining("the key does not match any certificate in cert.pem, chain.pem")
        .hasMessageContaining("CN=example.org, CN=Sectigo RSA Domain Validation Secure Server CA")
        .hasMessageContaining("give the key the CSR was made with");
  }

  @Test
  void rejectsAMissingIntermediateAndNamesIt() {
    assertThatThrownBy(() -> assemble(List.of(leaf(), root()), LEAF.privateKey(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem: CN=example.org was issued by CN=Sectigo RSA Domain Validation Secure "
            + "Server CA which is not in the bundle and not a trusted root")
        .hasMessageContaining("download the CA bundle again or add it with --chain");
  }

  @Test
  void rejectsAChainFileFromAnotherCa() {
    TestPki.Ca isrg = TestPki.root("ISRG Root X1");
    TestPki.Ca r3 = isrg.intermediate("R3");

    assertThatThrownBy(() -> assemble(List.of(leaf(), r3.certificate(), isrg.certificate()), LEAF.privateKey(), anchors()))
        .hasMessageContaining("CN=example.org was issued by CN=Sectigo RSA Domain Validation Secure Server CA which is "
            + "not in the bundle")
        .hasMessageContaining("the bundle holds CN=R3, CN=ISRG Root X1 instead, from another chain");
  }

  @Test
  void rejectsAChainFromAnotherSiteWhoseCaHasTheSameName() {
    // same CA names, other keys: only signature checks can tell these apart
    TestPki.Ca otherRoot = TestPki.root("USERTrust RSA Certification Authority", KeyType.RSA_2048);
    TestPki.Ca otherDv = otherRoot.intermediate("Sectigo RSA Domain Validation Secure Server CA", KeyType.RSA_2048);

    assertThatThrownBy(() -> assemble(List.of(leaf(), otherDv.certificate()), LEAF.privateKey(), anchors()))
        .hasMessage("cert.pem, chain.pem: certificate 2 (CN=Sectigo RSA Domain Validation Secure Server CA) does not sign "
            + "certificate 1 (CN=example.org); the bundle is missing an intermediate or holds another site's chain");
  }

  @Test
  void rejectsAForeignCertificateInACompleteBundle() {
    CertificateBundle otherSite = DV.leaf(List.of("shop.example.net"));

    assertThatThrownBy(() -> assemble(List.of(leaf(), dv(), otherSite.leaf()), LEAF.privateKey(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem: certificate 3 (CN=shop.example.net, issued by CN=Sectigo RSA Domain "
            + "Validation Secure Server CA) is not part of CN=example.org's chain")
        .hasMessageContaining("remove it");
  }

  @Test
  void rejectsAnUnrelatedRootInTheBundle() {
    TestPki.Ca stray = TestPki.root("Some Other Root CA");

    assertThatThrownBy(() -> assemble(List.of(leaf(), dv(), stray.certificate()), LEAF.privateKey(), anchors()))
        .hasMessageContaining("certificate 3 (CN=Some Other Root CA, issued by CN=Some Other Root CA) is not part of");
  }

  @Test
  void rejectsARootThatIsNotTrusted() {
    assertThatThrownBy(() -> assemble(List.of(leaf(), dv(), root()), LEAF.privateKey(), TrustAnchors.jdkDefault()))
        .hasMessageContaining("the chain ends at CN=USERTrust RSA Certification Authority, a root that is not trusted")
        .hasMessageContaining("--trust FILE");
  }

  @Test
  void rejectsASelfSignedLeaf() {
    CertificateBundle self = TestPki.selfSignedLeaf(List.of("example.org"), KeyType.EC_P256);

    assertThatThrownBy(() -> assemble(List.of(self.leaf()), self.privateKey(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem: the certificate CN=example.org is self-signed, not issued by a CA")
        .hasMessageContaining("import the certificate your CA issued");
  }

  @Test
  void rejectsAWeakRsa1024Leaf() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    KeyPair weak = g.generateKeyPair();
    Instant now = Instant.now();
    CertificateBundle b = DV.leaf(List.of("example.org"), weak, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(90)));

    assertThatThrownBy(() -> assemble(List.of(b.leaf(), dv()), weak.getPrivate(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem: the certificate (CN=example.org) has a weak key: RSA-1024 key is too "
            + "weak; use RSA-2048 or stronger, or EC P-256; make a new key and CSR and have the CA reissue the certificate");
  }

  @Test
  void rejectsAnExpiredCertificateAtTheClocksTime() {
    Clock later = Clock.fixed(leaf().getNotAfter().toInstant().plus(Duration.ofDays(12)), ZoneOffset.UTC);

    assertThatThrownBy(() -> BundleAssembler.assemble(SRC, List.of(leaf(), dv()), LEAF.privateKey(), anchors(), later))
        .hasMessageContaining("cert.pem, chain.pem: the certificate (CN=example.org) expired on ")
        .hasMessageContaining(", 12 days ago; renew it with the CA");
  }

  @Test
  void rejectsANotYetValidCertificateAtTheClocksTime() {
    Clock earlier = Clock.fixed(leaf().getNotBefore().toInstant().minus(Duration.ofDays(3)), ZoneOffset.UTC);

    assertThatThrownBy(() -> BundleAssembler.assemble(SRC, List.of(leaf(), dv()), LEAF.privateKey(), anchors(), earlier))
        .hasMessageContaining("the certificate (CN=example.org) is not valid until ")
        .hasMessageContaining(", in 3 days; check this machine's clock");
  }

  @Test
  void rejectsAnExpiredIntermediateThroughPathValidation() {
    Instant now = Instant.now();
    TestPki.Ca oldDv = ROOT.intermediate("Sectigo RSA Domain Validation Secure Server CA", KeyType.EC_P256,
        now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(10)));
    CertificateBundle b = oldDv.leaf(List.of("example.org"), KeyType.EC_P256, now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)));

    assertThatThrownBy(() -> assemble(List.of(b.leaf(), oldDv.certificate()), b.privateKey(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem: certificate 2 (CN=Sectigo RSA Domain Validation Secure Server CA) "
            + "fails validation: it has expired");
  }

  @Test
  void rejectsTwoCertificatesForTheSameKey() throws Exception {
    Instant now = Instant.now();
    KeyPair kp = KeyType.EC_P256.generate();
    CertificateBundle first = DV.leaf(List.of("example.org"), kp, now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(80)));
    CertificateBundle second = DV.leaf(List.of("example.org"), kp, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(89)));

    assertThatThrownBy(() -> assemble(List.of(first.leaf(), second.leaf(), dv()), kp.getPrivate(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem holds 2 certificates for this key")
        .hasMessageContaining("give only the certificate to import");
  }

  @Test
  void rejectsAnEmptyHeap() {
    assertThatThrownBy(() -> assemble(List.of(), LEAF.privateKey(), anchors()))
        .hasMessageContaining("cert.pem, chain.pem holds no certificate");
  }

  @Test
  void jdkDefaultAnchorsHoldTheJdkRootsAndWithAddsMore() {
    TrustAnchors jdk = TrustAnchors.jdkDefault();

    assertThat(jdk.certificates()).hasSizeGreaterThan(50);
    assertThat(jdk.contains(root())).isFalse();
    TrustAnchors more = jdk.with(List.of(root()));
    assertThat(more.contains(root())).isTrue();
    assertThat(more.certificates()).hasSize(jdk.certificates().size() + 1);
    assertThat(more.issuerOf(dv())).contains(root());
    assertThat(TrustAnchors.only(List.of(root())).issuerOf(leaf())).isEmpty();
  }

  private static CertificateBundle assemble(List<X509Certificate> heap, PrivateKey key, TrustAnchors trust)
      throws InputRejectedException {
    return BundleAssembler.assemble(SRC, heap, key, trust, NOW);
  }

  static <T> List<List<T>> permutations(List<T> items) {
    if (items.size() <= 1) return List.of(items);
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}
