package io.certferry.provider.dnsimple;

import io.certferry.core.testing.FakeTime;
import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;
import io.certferry.core.issue.imported.PurchasedCertificateSource.Download;
import io.certferry.core.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DnsimpleCertificateSourceTest {
  private static final long ACCOUNT = 1010;
  private final TestPki.Ca root = TestPki.root("Test Root CA");
  private final TestPki.Ca issuing = root.intermediate("Test Issuing CA");
  private final CertificateBundle bought = issuing.leaf(List.of("www.example.com", "example.com"));
  private final FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
  private FakeDnsimple fake;
  private DnsimpleTestServer dnsimple;
  private DnsimpleCertificateSource source;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDnsimple(ACCOUNT, true);
    fake.certificate(101, new FakeDnsimple.Cert("example.com", "issued", pem(bought.leaf()),
        List.of(pem(issuing.certificate())), pem(root.certificate()), keyPem(bought)));
    fake.certificate(102, new FakeDnsimple.Cert("example.com", "submitted", "", List.of(), null, ""));
    dnsimple = new DnsimpleTestServer(fake);
    source = new DnsimpleCertificateSourceFactory().create(dnsimple.settings(null), DnsimpleTestServer.context(time));
  }

  @AfterEach
  void close() { dnsimple.close(); }

  @Test
  void downloadsLeafChainWithoutRootAndTheKey() throws Exception {
    Download d = source.download("example.com", "101");

    assertThat(certs(d.leafPem())).containsExactly(bought.leaf());
    assertThat(certs(d.chainPem())).containsExactly(issuing.certificate());
    assertThat(d.privateKeyPem()).isEqualTo(keyPem(bought));
    assertThat(d.toString()).doesNotContain("PRIVATE");
    assertThat(fake.requests()).extracting(r -> r.getUrl().encodedPath()).containsExactly("/v2/whoami",
        "/v2/1010/domains/example.com/certificates/101/download",
        "/v2/1010/domains/example.com/certificates/101/private_key");
  }

  @Test
  void aCertificateNotIssuedYetIsRejectedWithAClearMessage() {
    assertThatThrownBy(() -> source.download("example.com", "102"))
        .isInstanceOf(InputRejectedException.class)
        .hasMessageContaining("certificate 102 of example.com is not issued yet")
        .hasMessageContaining("run the import again");
    assertThat(fake.requests()).noneMatch(r -> r.getUrl().encodedPath().endsWith("/private_key"));
  }

  @Test
  void anUnknownCertificateNamesDomainIdAndTheFix() {
    assertThatThrownBy(() -> source.download("example.com", "999"))
        .isInstanceOf(DnsimpleApiException.class)
        .hasMessageContaining("certificate 999 of domain example.com was not found in DNSimple account 1010")
        .hasMessageContaining("check --domain and --certificate-id");
  }

  @Test
  void aCertificateIdThatIsNotANumberIsRejectedBeforeAnyRequest() {
    assertThatThrownBy(() -> source.download("example.com", "abc/../../1"))
        .isInstanceOf(InputRejectedException.class)
        .hasMessageContaining("--certificate-id: \"abc/../../1\" is not a DNSimple certificate id");
    assertThatThrownBy(() -> source.download(" ", "101"))
        .isInstanceOf(InputRejectedException.class).hasMessageContaining("--domain");
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void aRejectedTokenIsAnIoFailureNamingTheSetting() {
    fake.answerNext("GET", "/v2/whoami", FakeDnsimple.json(401, "{\"message\":\"Authentication failed\"}"));

    assertThatThrownBy(() -> source.download("example.com", "101"))
        .isInstanceOf(DnsimpleApiException.class)
        .hasMessageContaining("HTTP 401").hasMessageContaining("`token`")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(FakeDnsimple.TOKEN));
  }

  static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(c.getEncoded()) + "\n-----END CERTIFICATE-----\n";
  }

  static String keyPem(CertificateBundle b) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(b.privateKey().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  @SuppressWarnings("unchecked")
  private static List<X509Certificate> certs(String pem) throws Exception {
    return (List<X509Certificate>) CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }
}
