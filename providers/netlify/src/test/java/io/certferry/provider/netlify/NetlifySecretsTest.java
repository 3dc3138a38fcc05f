package io.certferry.provider.netlify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Issue 11 through the Netlify target: its upload carries the private key in the query string, and a
 * server that echoes the URL (or the token) back must not get either into an exception or a log line.
 */
class NetlifySecretsTest {
  private static final String TOKEN = "nfp_echoSecret0123456789abcdefABCDEFghij";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private final FakeNetlify fake = new FakeNetlify(TOKEN);
  private final EchoDispatcher echo = new EchoDispatcher(fake);
  private final CertificateBundle bundle = TestPki.root("Echo Root").intermediate("Echo CA")
      .leaf(List.of("docs.example.org"));
  private ContractValidatingDispatcher contract;

  @BeforeEach
  void start() throws Exception {
    fake.addSite(SITE, "docs.example.org");
    contract = ContractValidator.forSpec("netlify/swagger.yml").validating(echo);
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
  }

  static Stream<Arguments> cases() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(Arguments.of(m, true), Arguments.of(m, false)));
  }

  @ParameterizedTest(name = "{0}, only writes echoed: {1}")
  @MethodSource("cases")
  void neitherTheTokenNorTheKeyInTheUploadUrlComesBack(Mode mode, boolean onlyWrites) {
    echo.mode(mode).echoing(onlyWrites ? EchoDispatcher::write : r -> true);
    ObjectNode settings = json.createObjectNode().put("id", "netlify-docs").put("type", "netlify")
        .put("token", "${env:NETLIFY_TOKEN}").put("apiUrl", server.url("/api/v1").toString()).put("siteId", SITE)
        .put("verify", false);
    DeployTarget target = new NetlifyFactory().create(settings, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("NETLIFY_TOKEN", TOKEN))).clock(time).sleeper(time).build());

    Map<String, String> seen = new LinkedHashMap<>();
    try (LogCapture logs = LogCapture.start()) {
      seen.put("target", exercise(target));
      seen.put("logs", logs.text());
    }

    if (onlyWrites) {
      assertThat(echo.received()).as("the upload carrying the key was sent")
          .anySatisfy(r -> assertThat(r.getUrl().queryParameter("key")).contains("PRIVATE KEY"));
    }
    SecretScan.assertNoPartOf(Map.of("token", TOKEN, "private key", PemWriter.privateKey(bundle.privateKey())), seen);
  }

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
}
