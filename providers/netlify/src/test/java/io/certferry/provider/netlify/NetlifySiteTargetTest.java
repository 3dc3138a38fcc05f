package io.certferry.provider.netlify;

import io.certferry.core.x509.KeyType;
import io.certferry.core.x509.PemWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.PassAware;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.TestPki;
import io.certferry.core.testing.TlsTestServer;
import io.certferry.core.x509.Fingerprints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetlifySiteTargetTest {
  private static final String TOKEN = "nfp_0123456789abcdefABCDEF0123456789";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";
  /** Pass numbers as the engine hands them out: one counter for the process. */
  private static final AtomicLong PASSES = new AtomicLong(2_000_000);
  private static final TestPki.Ca CA = TestPki.root("Test Root").intermediate("Test DV CA");

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private final FakeNetlify fake = new FakeNetlify(TOKEN);
  private ContractValidatingDispatcher contract;
  private final CertificateBundle bundle = CA.leaf(List.of("docs.example.org", "www.docs.example.org"));

  @BeforeEach
  void start() throws Exception {
    contract = ContractValidator.forSpec("netlify/swagger.yml").validating(fake);
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    fake.addSite(SITE, "docs.example.org");
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
  }

  private ObjectNode settings(String site) {
    return json.createObjectNode().put("id", "netlify-docs").put("type", "netlify").put("token", "${env:NETLIFY_TOKEN}")
        .put("apiUrl", server.url("/api/v1").toString()).put("siteId", site).put("verify", false);
  }

  private DeployTarget target(ObjectNode s, String token) {
    return new NetlifyFactory().create(s, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("NETLIFY_TOKEN", token))).clock(time).sleeper(time).build());
  }

  @Test
  void firstDeployUploadsLeafKeyAndChainAsTheSpecDefines() throws Exception {
    DeployTarget target = target(settings(SITE), TOKEN);

    DeployReceipt r = target.deploy(bundle);

    assertThat(r.changed()).isTrue();
    assertThat(Fingerprints.sha256(fake.served.get(SITE))).isEqualTo(bundle.sha256());
    RecordedRequest post = contract.requests().stream().filter(q -> q.getMethod().equals("POST")).findFirst().orElseThrow();
    assertThat(post.getUrl().encodedPath()).isEqualTo("/api/v1/sites/" + SITE + "/ssl");
    assertThat(post.getUrl().queryParameter("certificate")).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(post.getUrl().queryParameter("key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(post.getUrl().queryParameter("ca_certificates")).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(target.deployedFingerprint()).contains(bundle.sha256());
  }

  @Test
  void secondDeployIsANoOpAndTheCheckCostsOneGet() throws Exception {
    DeployTarget target = target(settings(SITE), TOKEN);
    target.deploy(bundle);
    ((PassAware) target).passStarted(PASSES.incrementAndGet());
    int before = fake.calls.size();

    assertThat(target.deployedFingerprint()).contains(bundle.sha256());
    assertThat(fake.calls.subList(before, fake.calls.size())).containsExactly("GET /api/v1/sites/" + SITE + "/ssl");

    DeployTarget restarted = target(settings(SITE), TOKEN);
    ((PassAware) restarted).passStarted(PASSES.incrementAndGet());
    assertThat(restarted.deployedFingerprint()).isEmpty();
    assertThat(restarted.serves(bundle.sha256(), () -> bundle)).as("by expiry and names").contains(true);
    DeployReceipt again = restarted.deploy(bundle);
    assertThat(again.changed()).isFalse();
    assertThat(fake.count("POST")).isEqualTo(1);
    assertThat(restarted.deployedFingerprint()).contains(bundle.sha256());
  }

  @Test
  void theTargetsOfASiteReadItsCertificateOnceAPass() throws Exception {
    List<DeployTarget> targets = List.of(target(settings(SITE).put("id", "a"), TOKEN),
        target(settings(SITE).put("id", "b"), TOKEN), target(settings(SITE).put("id", "c"), TOKEN));
    targets.get(0).deploy(bundle);
    CertificateBundle other = CA.leaf(List.of("docs.example.org"));

    for (int pass = 0; pass < 2; pass++) {
      long number = PASSES.incrementAndGet();
      targets.forEach(t -> ((PassAware) t).passStarted(number));
      long before = fake.count("GET /api/v1/sites/" + SITE + "/ssl");
      for (DeployTarget t : targets) {
        assertThat(t.serves(bundle.sha256(), () -> bundle)).as(t.id()).contains(true);
        assertThat(t.serves(other.sha256(), () -> other)).contains(false);
      }
      assertThat(fake.count("GET /api/v1/sites/" + SITE + "/ssl") - before).as("pass %d", pass).isEqualTo(1);
    }
  }

  @Test
  void aRenewedCertificateReplacesTheOldOne() throws Exception {
    DeployTarget target = target(settings(SITE), TOKEN);
    target.deploy(bundle);
    CertificateBundle renewed = CA.leaf(List.of("docs.example.org", "www.docs.example.org"), KeyType.EC_P256,
        bundle.notBefore(), bundle.notAfter().plusSeconds(86400));

    assertThat(target.deploy(renewed).changed()).isTrue();
    assertThat(Fingerprints.sha256(fake.served.get(SITE))).isEqualTo(renewed.sha256());
    assertThat(fake.count("POST")).isEqualTo(2);
  }

  @Test
  void siteWithoutCustomDomainIsRefusedBeforeTheKeyIsSent() {
    fake.addSite("no-domain-site", null);

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(settings("no-domain-site"), TOKEN).deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("has no custom domain").contains("Domain management");
    assertThat(fake.count("POST")).isZero();
  }

  @Test
  void netlify422sAreMappedToWhatToFixAndTheKeyNeverAppears() {
    fake.injectPost(new MockResponse.Builder().code(422).setHeader("Content-Type", "application/json")
        .body("{\"code\":422,\"message\":\"bad dns for custom domain\"}").build());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(settings(SITE), TOKEN).deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("HTTP 422: bad dns for custom domain").contains("fix its DNS records");
    String all = e.getMessage() + stack(e);
    String keyBody = PemWriter.privateKey(bundle.privateKey()).split("\n")[1];
    assertThat(all).doesNotContain(keyBody).doesNotContain("key=").doesNotContain(TOKEN);
  }

  @Test
  void uploadIsRetriedAfterAServerError() {
    fake.injectPost(new MockResponse.Builder().code(500).setHeader("Content-Type", "application/json")
        .body("{\"code\":500,\"message\":\"internal error\"}").build());
    // 500 on the (idempotent) upload is retried; the fake then accepts it.
    DeployException none = null;
    try {
      target(settings(SITE), TOKEN).deploy(bundle);
    } catch (DeployException e) {
      none = e;
    }
    assertThat(none).isNull();
    assertThat(fake.count("POST")).isEqualTo(2);
  }

  @Test
  void nameNotCoveredIsRefusedBeforeUpload() {
    fake.addSite("other-site", "blog.example.net");

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(settings("other-site"), TOKEN).deploy(bundle));

    assertThat(e.getMessage()).contains("does not cover the site's custom domain blog.example.net");
    assertThat(fake.count("POST")).isZero();
  }

  @Test
  void wrongTokenSaysWhatToFixWithoutTheToken() {
    DeployException e = catchThrowableOfType(DeployException.class,
        () -> target(settings(SITE), "nfp_wrongwrongwrongwrong").deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("HTTP 401").contains("${env:NETLIFY_TOKEN}")
        .doesNotContain("nfp_wrongwrongwrongwrong").doesNotContain(TOKEN);
  }

  @Test
  void unknownSiteIsNamed() {
    DeployException e = catchThrowableOfType(DeployException.class,
        () -> target(settings("no-such-site"), TOKEN).deploy(bundle));

    assertThat(e.getMessage()).contains("site no-such-site (HTTP 404").contains("check the target's siteId");
  }

  @Test
  void verifyComparesWhatTheEndpointServes() throws Exception {
    CertificateBundle other = CA.leaf(List.of("docs.example.org"));
    try (TlsTestServer tls = TlsTestServer.serving(bundle)) {
      ObjectNode s = settings(SITE).put("verify", true).put("verifyHost", tls.host()).put("verifyPort", tls.port())
          .put("serverName", "docs.example.org");
      DeployTarget target = target(s, TOKEN);

      assertThat(target.verify(bundle).status()).isEqualTo(VerifyResult.Status.OK);
      assertThat(target.verify(other).status()).isEqualTo(VerifyResult.Status.MISMATCH);
    }
    assertThat(target(settings(SITE), TOKEN).verify(bundle).status()).isEqualTo(VerifyResult.Status.SKIPPED);
  }

  @Test
  void factoryIsFoundAndValidatesSettings() {
    ProviderFactory f = ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.type().equals("netlify")).findFirst().orElseThrow();
    ObjectNode bad = json.createObjectNode().put("id", "n1").put("token", "nfp_literal_token").put("verifyPort", 70000);

    List<String> problems = f.validate(bad);

    assertThat(problems).anySatisfy(p -> assertThat(p).contains("'token' must be a reference"))
        .anySatisfy(p -> assertThat(p).contains("'siteId' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'verifyPort' must be a port"));
    assertThat(String.join(" ", problems)).doesNotContain("nfp_literal_token");
    assertThat(f.validate(settings(SITE))).isEmpty();
  }

  private static String stack(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
