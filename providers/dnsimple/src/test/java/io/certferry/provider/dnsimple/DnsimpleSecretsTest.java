package io.certferry.provider.dnsimple;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
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
 * Issue 11 through the DNSimple DNS provider and certificate source: a server that echoes the token
 * back, in every kind of answer, to reads and to writes, and a key download whose answer is echoed.
 */
class DnsimpleSecretsTest {
  private static final long ACCOUNT = 1010;

  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private final CertificateBundle bought = TestPki.root("Echo Root").leaf(List.of("www.example.com"));
  private final FakeDnsimple fake = new FakeDnsimple(ACCOUNT, true).zone("example.com");
  private final EchoDispatcher echo = new EchoDispatcher(fake);

  @BeforeEach
  void start() throws Exception {
    fake.certificate(101, new FakeDnsimple.Cert("example.com", "issued", PemWriter.certificates(List.of(bought.leaf())),
        List.of(), null, PemWriter.privateKey(bought.privateKey())));
    server.setDispatcher(echo);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(fake.violations()).as("requests the DNSimple OpenAPI description rejects").isEmpty();
  }

  static Stream<Arguments> cases() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(Arguments.of(m, true), Arguments.of(m, false)));
  }

  @ParameterizedTest(name = "{0}, only writes echoed: {1}")
  @MethodSource("cases")
  void theTokenNeverComesBack(Mode mode, boolean onlyWrites) {
    echo.mode(mode).echoing(onlyWrites ? EchoDispatcher::write : r -> true);
    ObjectNode settings = new ObjectMapper().createObjectNode()
        .put("token", "${env:DNSIMPLE_TOKEN}").put("baseUrl", server.url("/v2").toString());
    DnsimpleDnsProvider dns = new DnsimpleDnsProviderFactory().create(settings, DnsimpleTestServer.context(time));
    DnsimpleCertificateSource source = new DnsimpleCertificateSourceFactory().create(settings,
        DnsimpleTestServer.context(time));

    Map<String, String> seen = new LinkedHashMap<>();
    try (LogCapture logs = LogCapture.start()) {
      StringBuilder out = new StringBuilder();
      try {
        out.append(dns.createTxt("_acme-challenge.www.example.com", "challenge-value-0123456789")).append('\n');
      } catch (Exception e) {
        out.append(describe(e));
      }
      if (!onlyWrites) {
        try {
          out.append(source.download("example.com", "101").leafPem());
        } catch (Exception e) {
          out.append(describe(e));
        }
      }
      seen.put("provider", out.toString());
      seen.put("logs", logs.text());
    }

    assertThat(echo.echoedCount()).isPositive();
    if (onlyWrites) {
      assertThat(echo.received()).as("the record creation was sent")
          .anySatisfy(r -> assertThat(r.getMethod()).isEqualTo("POST"));
    }
    SecretScan.assertNoPartOf(Map.of("token", FakeDnsimple.TOKEN), seen);
  }

  private static String describe(Exception e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return e.getMessage() + "\n" + trace + "\n";
  }
}
