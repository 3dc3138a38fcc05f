package io.certferry.provider.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.EchoDispatcher;
import io.certferry.core.testing.EchoDispatcher.Mode;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.LogCapture;
import io.certferry.core.testing.SecretScan;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.PemWriter;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11 items 1 and 3 through both DigitalOcean targets: a server that echoes the token and the
 * uploaded private key back, in every kind of answer, to reads and to writes. Nothing of either may
 * reach an exception, a log line or a receipt.
 */
class DigitalOceanSecretsTest {
  private static final String TOKEN = "dop_v1_echo5ecret0123456789abcdef0123456789abcdef0123456789abcdef";
  private static final String LB_ID = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String CDN_ID = "19f06b6a-3ace-4315-b086-499a0e521b76";

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private final CertificateBundle bundle = TestPki.root("Echo Root").intermediate("Echo CA")
      .leaf(List.of("social.example.org", "media.example.org"));
  private FakeDigitalOcean fake;
  private EchoDispatcher echo;
  private ContractValidatingDispatcher contract;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDigitalOcean(TOKEN, time);
    fake.releaseLag = 0;
    fake.activeAfterGets = 0;
    String old = fake.addCertificate("certferry-mastodon-1f2e", "custom", "aa".repeat(20)).get("id").asText();
    ArrayNode rules = json.createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", old).put("tls_passthrough", false);
    fake.addLoadBalancer(LB_ID, null, rules);
    fake.addCdnEndpoint(CDN_ID, "media.example.org", null);
    echo = new EchoDispatcher(fake);
    contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(echo);
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Stream<Arguments> cases() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(Arguments.of(m, true), Arguments.of(m, false)));
  }

  @ParameterizedTest(name = "{0}, only writes echoed: {1}")
  @MethodSource("cases")
  void neitherTheTokenNorTheUploadedKeyComesBack(Mode mode, boolean onlyWrites) {
    echo.mode(mode).echoing(onlyWrites ? EchoDispatcher::write : r -> true);
    Map<String, String> seen = new LinkedHashMap<>();
    try (LogCapture logs = LogCapture.start()) {
      seen.put("load balancer", exercise(target(lb())));
      seen.put("CDN endpoint", exercise(target(cdn())));
      seen.put("logs", logs.text());
    }

    assertThat(echo.echoedCount()).as("requests answered with an echo").isPositive();
    if (onlyWrites) {
      assertThat(fake.count("GET /v2/load_balancers")).isPositive();
      assertThat(echo.received()).as("the upload carrying the key was sent")
          .anySatisfy(r -> assertThat(r.getBody()).isNotNull().extracting(b -> b.utf8()).asString().contains("PRIVATE KEY"));
    }
    SecretScan.assertNoPartOf(Map.of("token", TOKEN, "private key", PemWriter.privateKey(bundle.privateKey())), seen);
    if (mode != Mode.JSON_200) { // there the fake itself hands out an echo as the new certificate's id
      contract.assertNoViolations();
    }
  }

  /** Everything a caller learns from a target: fingerprint, receipt, or every part of the exception. */
  private String exercise(DeployTarget t) {
    StringBuilder out = new StringBuilder();
    try {
      out.append(t.deployedFingerprint()).append('\n');
    } catch (DeployException e) {
      out.append(describe(e));
    }
    try {
      var receipt = t.deploy(bundle);
      out.append(receipt.summary()).append(receipt.details()).append('\n');
    } catch (DeployException e) {
      out.append(describe(e));
    }
    return out.append(t).toString();
  }

  private static String describe(Exception e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return e.getMessage() + "\n" + trace + "\n";
  }

  private ObjectNode lb() {
    return json.createObjectNode().put("id", "do-lb").put("type", "digitalocean-lb").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("loadBalancerId", LB_ID).put("lineage", "mastodon")
        .put("verify", false).put("activeTimeoutSeconds", 30);
  }

  private ObjectNode cdn() {
    return json.createObjectNode().put("id", "do-cdn").put("type", "digitalocean-cdn").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("endpointId", CDN_ID).put("customDomain", "media.example.org")
        .put("lineage", "mastodon").put("verify", false);
  }

  private DeployTarget target(ObjectNode settings) {
    ProviderContext context = ProviderContext.builder(ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", TOKEN)))
        .clock(time).sleeper(time).build();
    String type = settings.get("type").asText();
    return (DeployTarget) (type.equals("digitalocean-lb") ? new DigitalOceanLoadBalancerFactory()
        : new DigitalOceanCdnFactory()).create(settings, context);
  }
}
