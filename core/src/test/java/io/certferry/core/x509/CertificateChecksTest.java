package io.certferry.core.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateChecksTest {
  private static final CertificateBundle WILDCARD = SectigoLikePki.DV.leaf(List.of("*.example.com", "example.com"));

  @Test
  void aWildcardCoversExactlyOneLabel() {
    List<String> names = List.of("*.example.com");

    assertThat(CertificateChecks.covers(names, "www.example.com")).isTrue();
    assertThat(CertificateChecks.covers(names, "WWW.Example.COM.")).isTrue();
    assertThat(CertificateChecks.covers(names, "a.b.example.com")).isFalse();
    assertThat(CertificateChecks.covers(names, "example.com")).isFalse();
    assertThat(CertificateChecks.covers(names, "www.example.org")).isFalse();
    assertThat(CertificateChecks.covers(names, "wwwexample.com")).isFalse();
  }

  @Test
  void aWildcardIsCoveredOnlyByTheSameWildcard() {
    assertThat(CertificateChecks.covers(List.of("*.example.com"), "*.example.com")).isTrue();
    assertThat(CertificateChecks.covers(List.of("www.example.com"), "*.example.com")).isFalse();
    assertThat(CertificateChecks.covers(List.of("*.com"), "example.com")).isFalse();
  }

  @Test
  void exactNamesMatchCaseInsensitively() {
    assertThat(CertificateChecks.covers(List.of("Example.ORG"), "example.org")).isTrue();
    assertThat(CertificateChecks.covers(List.of("example.org"), "www.example.org")).isFalse();
  }

  @Test
  void requireCoversAcceptsCoveredNames() {
    assertThatCode(() -> CertificateChecks.requireCovers(WILDCARD, List.of("example.com", "mastodon.example.com")))
        .doesNotThrowAnyException();
  }

  @Test
  void requireCoversNamesWhatIsMissing() {
    assertThatThrownBy(() -> CertificateChecks.requireCovers(SectigoLikePki.LEAF,
        List.of("example.org", "media.example.org", "docs.example.net")))
        .hasMessage("the certificate (CN=example.org) is for example.org, www.example.org and does not cover "
            + "media.example.org, docs.example.net; import a certificate issued for these names, or change the names "
            + "the lineage expects");
  }

  @Test
  void requireValidAtReportsExpiryWithDateAndDays() {
    Instant notAfter = SectigoLikePki.leaf().getNotAfter().toInstant();
    Clock later = Clock.fixed(notAfter.plus(Duration.ofDays(1)).plusSeconds(5), ZoneOffset.UTC);

    assertThatThrownBy(() -> CertificateChecks.requireValidAt(SectigoLikePki.leaf(), later))
        .hasMessage("the certificate (CN=example.org) expired on " + CertificateChecks.utc(notAfter)
            + ", 1 day ago; renew it with the CA and import the new certificate");
  }

  @Test
  void requireValidAtReportsNotYetValid() {
    Instant notBefore = SectigoLikePki.leaf().getNotBefore().toInstant();
    Clock before = Clock.fixed(notBefore.minus(Duration.ofDays(40)), ZoneOffset.UTC);

    assertThatThrownBy(() -> CertificateChecks.requireValidAt(SectigoLikePki.leaf(), before))
        .hasMessageContaining("is not valid until " + CertificateChecks.utc(notBefore) + ", in 40 days");
  }

  @Test
  void requireValidAtAcceptsTheValidityEdges() {
    Instant notAfter = SectigoLikePki.leaf().getNotAfter().toInstant();
    Instant notBefore = SectigoLikePki.leaf().getNotBefore().toInstant();

    assertThatCode(() -> CertificateChecks.requireValidAt(SectigoLikePki.leaf(), Clock.fixed(notAfter, ZoneOffset.UTC)))
        .doesNotThrowAnyException();
    assertThatCode(() -> CertificateChecks.requireValidAt(SectigoLikePki.leaf(), Clock.fixed(notBefore, ZoneOffset.UTC)))
        .doesNotThrowAnyException();
  }

  @Test
  void requireStrongKeyRejectsWeakRsaAndOtherCurves() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp521r1"));

    assertThatThrownBy(() -> CertificateChecks.requireStrongKey(rsa.generateKeyPair().getPublic()))
        .hasMessage("RSA-1024 key is too weak; use RSA-2048 or stronger, or EC P-256");
    assertThatThrownBy(() -> CertificateChecks.requireStrongKey(ec.generateKeyPair().getPublic()))
        .hasMessageContaining("521-bit curve is not accepted");
    assertThatCode(() -> CertificateChecks.requireStrongKey(KeyType.EC_P384.generate().getPublic()))
        .doesNotThrowAnyException();
  }

  @Test
  void keyMatchesPairsAndOnlyPairs() {
    KeyPair ec1 = KeyType.EC_P256.generate();
    KeyPair ec2 = KeyType.EC_P256.generate();
    KeyPair ec384 = KeyType.EC_P384.generate();
    KeyPair rsa1 = KeyType.RSA_2048.generate();
    KeyPair rsa2 = KeyType.RSA_2048.generate();

    assertThat(CertificateChecks.keyMatches(ec1.getPublic(), ec1.getPrivate())).isTrue();
    assertThat(CertificateChecks.keyMatches(ec1.getPublic(), ec2.getPrivate())).isFalse();
    assertThat(CertificateChecks.keyMatches(ec1.getPublic(), ec384.getPrivate())).isFalse();
    assertThat(CertificateChecks.keyMatches(rsa1.getPublic(), rsa1.getPrivate())).isTrue();
    assertThat(CertificateChecks.keyMatches(rsa1.getPublic(), rsa2.getPrivate())).isFalse();
    assertThat(CertificateChecks.keyMatches(rsa1.getPublic(), ec1.getPrivate())).isFalse();
    assertThat(CertificateChecks.keyMatches(ec1.getPublic(), rsa1.getPrivate())).isFalse();
  }
}
