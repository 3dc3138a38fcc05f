package io.certferry.core.issue.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.testing.RequiredTools;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaIssuerTest {
  private final MutableClock clock = new MutableClock(Instant.now());
  private final CaOnlyStore store = new CaOnlyStore();
  private final LocalCaIssuer issuer = LocalCaIssuer.builder(store).clock(clock).hostName("devbox").create();

  @Test
  void createsRootOnFirstUseAndReusesIt() {
    LocalCaIssuer.Root first = issuer.root();
    LocalCaIssuer.Root again = LocalCaIssuer.builder(store).clock(clock).hostName("other").create().root();

    assertThat(first.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.certificate()).isEqualTo(first.certificate());
    assertThat(store.saves).isEqualTo(1);
    assertThat(store.locks).as("creation under the store lock, reuse without").containsExactly("local-ca");
    X509Certificate root = first.certificate();
    assertThat(root.getSubjectX500Principal().getName())
        .matches("CN=Certferry Local CA devbox \\d{4}-\\d{2}-\\d{2},O=Certferry");
    assertThat(root.getBasicConstraints()).isZero();
    assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()))
        .isGreaterThanOrEqualTo(Duration.ofDays(3650));
    assertThat(KeyType.of(root.getPublicKey())).isEqualTo(KeyType.EC_P256);
    assertThat(store.ca.toString()).doesNotContain("PRIVATE").contains("Certferry Local CA");
  }

  @Test
  void issuedChainValidatesWithPkixToTheRoot() throws Exception {
    IssuedCertificate issued = issuer.issue(IssueRequest.of("app", List.of("app.test", "*.app.test", "127.0.0.1",
        "::1"), KeyType.EC_P256));
    X509Certificate root = issuer.root().certificate();

    X509Certificate leaf = issued.bundle().leaf();
    validate(leaf, root);
    assertThat(issued.bundle().chain()).isEmpty();
    assertThat(issued.bundle().names()).as("IP SANs are names too (RFC 8738)").containsExactly("app.test", "*.app.test", "127.0.0.1", "::1");
    assertThat(leaf.getSubjectAlternativeNames().stream().map(l -> String.valueOf(l.get(1))).toList())
        .containsExactly("app.test", "*.app.test", "127.0.0.1", "0:0:0:0:0:0:0:1");
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=app.test");
    assertThat(AriCertificateId.of(leaf)).as("AKI present").isPresent();
    assertThat(leaf.getExtensionValue("2.5.29.14")).as("SKI present").isNotNull();
    assertThat(issued.details()).containsEntry("localCa", Fingerprints.sha256(root));
    assertThat(issuer.source()).isEqualTo("local");
  }

  @Test
  void leafFromAnotherRootDoesNotValidate() throws Exception {
    CertificateBundle leaf = issuer.issue(IssueRequest.of("app", List.of("app.test"), KeyType.EC_P256)).bundle();
    X509Certificate otherRoot = LocalCaIssuer.builder(new CaOnlyStore()).clock(clock).create().root().certificate();

    assertThatThrownBy(() -> validate(leaf.leaf(), otherRoot)).isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void defaultLifetimeIsNinetyDaysAndConfigurable() throws Exception {
    Instant now = clock.instant();
    X509Certificate leaf90 = issuer.issue(IssueRequest.of("a", List.of("a.test"), KeyType.EC_P256)).bundle().leaf();
    X509Certificate leaf7 = LocalCaIssuer.builder(store).clock(clock).lifetime(Duration.ofDays(7)).create()
        .issue(IssueRequest.of("b", List.of("b.test"), KeyType.EC_P256)).bundle().leaf();

    assertThat(Duration.between(now, leaf90.getNotAfter().toInstant()).toMinutes()).isBetween(90L * 1440 - 1, 90L * 1440);
    assertThat(Duration.between(now, leaf7.getNotAfter().toInstant()).toMinutes()).isBetween(7L * 1440 - 1, 7L * 1440);
    assertThat(leaf90.getNotBefore().toInstant()).isBefore(now);
  }

  @Test
  void lifetimeNeverOutlastsTheRoot() throws Exception {
    X509Certificate root = issuer.root().certificate();
    clock.set(root.getNotAfter().toInstant().minus(Duration.ofDays(10)));

    X509Certificate leaf = issuer.issue(IssueRequest.of("a", List.of("a.test"), KeyType.EC_P256)).bundle().leaf();

    assertThat(leaf.getNotAfter()).isEqualTo(root.getNotAfter());
  }

  @Test
  void reusesAGivenKeyAndHonoursKeyType() throws Exception {
    KeyPair kp = KeyType.EC_P384.generate();
    IssueRequest reuse = new IssueRequest("a", List.of("a.test"), KeyType.EC_P384, Optional.of(kp), Optional.empty(),
        Optional.empty(), Optional.empty(), null);

    CertificateBundle reused = issuer.issue(reuse).bundle();
    CertificateBundle rsa = issuer.issue(IssueRequest.of("r", List.of("r.test"), KeyType.RSA_2048)).bundle();

    assertThat(reused.leaf().getPublicKey()).isEqualTo(kp.getPublic());
    assertThat(reused.privateKey()).isEqualTo(kp.getPrivate());
    assertThat(rsa.keyType()).isEqualTo(KeyType.RSA_2048);
    assertThat(rsa.leaf().getKeyUsage()[2]).as("keyEncipherment for RSA").isTrue();
  }

  @Test
  void p384RootSignsWithSha384() throws Exception {
    LocalCaIssuer p384 = LocalCaIssuer.builder(new CaOnlyStore()).clock(clock).rootKeyType(KeyType.EC_P384).create();

    X509Certificate leaf = p384.issue(IssueRequest.of("a", List.of("a.test"), KeyType.EC_P256)).bundle().leaf();

    assertThat(p384.root().certificate().getSigAlgName()).isEqualTo("SHA384withECDSA");
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA384withECDSA");
    validate(leaf, p384.root().certificate());
    assertThatThrownBy(() -> LocalCaIssuer.builder(store).rootKeyType(KeyType.RSA_2048))
        .hasMessageContaining("ec-p256 or ec-p384");
  }

  @Test
  void badNamesAreRejectedNamingTheName() {
    for (String bad : List.of("bad name.test", "-x.test", "a..test", "*.", "x.*.test", "999.1.1.1", "")) {
      assertThatThrownBy(() -> issuer.issue(IssueRequest.of("a", List.of(bad), KeyType.EC_P256)))
          .as(bad).isInstanceOf(IssueException.class).hasMessageContaining("'" + bad + "'");
    }
    assertThat(store.saves).as("no root created for a rejected request").isZero();
  }

  @Test
  void nameConstrainedRootSignsOnlyItsDomains() throws Exception {
    CaOnlyStore constrainedStore = new CaOnlyStore();
    LocalCaIssuer constrained = LocalCaIssuer.builder(constrainedStore).clock(clock)
        .permittedDomains(List.of("internal.test")).create();

    X509Certificate ok = constrained.issue(IssueRequest.of("a", List.of("internal.test", "*.app.internal.test"),
        KeyType.EC_P256)).bundle().leaf();
    validate(ok, constrained.root().certificate());

    for (String outside : List.of("evil.test", "notinternal.test", "10.0.0.1")) {
      assertThatThrownBy(() -> constrained.issue(IssueRequest.of("b", List.of("internal.test", outside), KeyType.EC_P256)))
          .isInstanceOf(IssueException.class).hasMessageContaining("'" + outside + "' is outside")
          .hasMessageContaining("internal.test");
    }
  }

  @Test
  void opensslVerifiesIssuedCertificate(@TempDir Path dir) throws Exception {
    assumeOpenssl();
    CertificateBundle b = issuer.issue(IssueRequest.of("web", List.of("web.test", "www.web.test"), KeyType.EC_P256))
        .bundle();
    Path root = Files.writeString(dir.resolve("root.pem"), pem(issuer.root().certificate()));
    Path cert = Files.writeString(dir.resolve("cert.pem"), pem(b.leaf()));

    Result ok = run(dir, "openssl", "verify", "-purpose", "sslserver", "-verify_hostname", "www.web.test",
        "-CAfile", root.toString(), cert.toString());
    Result wrongHost = run(dir, "openssl", "verify", "-verify_hostname", "other.test", "-CAfile", root.toString(),
        cert.toString());

    assertThat(ok.code()).as(ok.output()).isZero();
    assertThat(ok.output()).contains(cert + ": OK");
    assertThat(wrongHost.code()).as(wrongHost.output()).isNotZero();
  }

  @Test
  void issuesQuickly() throws Exception {
    issuer.root();
    long start = System.nanoTime();
    for (int i = 0; i < 50; i++) {
      issuer.issue(IssueRequest.of("n" + i, List.of("n" + i + ".test"), KeyType.EC_P256));
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    // Very generous: the build machine is shared and loaded; this catches a slip into RSA roots or per-call setup.
    assertThat(millis).as("50 local certificates in %d ms", millis).isLessThan(20_000);
  }

  static void validate(X509Certificate leaf, X509Certificate root) throws Exception {
    CertificateFactory cf = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    params.setDate(new Date());
    CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf)), params);
  }

  static String pem(X509Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }

  static void assumeOpenssl() {
    RequiredTools.require("openssl");
  }

  record Result(int code, String output) {}

  static Result run(Path dir, String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + String.join(" ", cmd));
    }
    return new Result(p.exitValue(), out);
  }
}
