package io.certferry.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Secrets by construction (issue 11): a server that quotes back everything it received, in every
 * kind of answer, and not one part of any secret may come out of the HTTP layer: not in an exception,
 * a log line, nor the body of a 2xx handed to the caller.
 */
class HttpApiSecretsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "dop_v1_5ecre7t0ken0123456789abcdef0123456789abcdef0123456789abcd";
  private static final String HEADER_KEY = "hk_live_7f3a9c2e4b6d8f0a1c3e5b7d9f";
  private static final String QUERY_SECRET = "qs-9b8a7c6d5e4f3a2b1c0d";
  private static final String BODY_SECRET = "bodysecret-4c5d6e7f8a9b0c1d2e3f";
  private static final String PATH_SECRET = "T0AAAAAAA-B0BBBBBBB-pathsecretXYZ123";
  private static final String HOOK = "/services/T0HOOKAAA/B0HOOKBBB/xoxhooksecretZYXWVUTSRQPO";
  private static final String KEY = PemWriter.privateKey(TestPki.root("Echo CA").leaf(List.of("echo.test")).privateKey());

  private final MockWebServer server = new MockWebServer();
  private final EchoDispatcher echo = new EchoDispatcher(null);
  private final FakeTime time = FakeTime.create();

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(echo);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Map<String, String> secrets() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("token", TOKEN);
    s.put("secret header", HEADER_KEY);
    s.put("secret query value", QUERY_SECRET);
    s.put("secret body field", BODY_SECRET);
    s.put("secret path argument", PATH_SECRET);
    s.put("private key in an unmarked body field", KEY);
    s.put("webhook URL path", HOOK.substring("/services/".length()));
    return s;
  }

  /** Sends every kind of marked secret, to an API with a token and to one whose base URL is secret. */
  @ParameterizedTest
  @EnumSource(Mode.class)
  void noPartOfAnySecretComesBackInAnyKindOfAnswer(Mode mode) throws Exception {
    echo.mode(mode);
    HttpApi api = HttpApi.builder().baseUrl(server.url("/v2").toString()).bearerToken(TOKEN)
        .clock(time).sleeper(time).build();
    HttpApi hook = HttpApi.builder().secretBaseUrl(server.url(HOOK).toString()).clock(time).sleeper(time).build();
    ObjectNode body = JSON.createObjectNode().put("name", "cert-1").put("api_secret", BODY_SECRET);
    body.putObject("nested").put("pem", KEY);
    ApiRequest marked = ApiRequest.put("/things/{id}", PATH_SECRET).secret(PATH_SECRET)
        .secretHeader("X-Api-Key", HEADER_KEY).secretQuery("signature", QUERY_SECRET)
        .body(body).secretFields("api_secret").build();
    ApiRequest alert = ApiRequest.post("/").body(Map.of("text", "alert")).idempotent(true).build();

    Map<String, String> out = new LinkedHashMap<>();
    try (LogCapture logs = LogCapture.start()) {
      out.put("marked request", outcome(api, marked));
      out.put("webhook request", outcome(hook, alert));
      out.put("logs", logs.text());
    }

    assertThat(echo.echoedCount()).as("the server saw the requests").isGreaterThanOrEqualTo(2);
    assertThat(echo.received().get(0).getHeaders().get("X-Api-Key")).isEqualTo(HEADER_KEY);
    SecretScan.assertNoPartOf(secrets(), out);
  }

  /** What the caller can see of one call: the answer's text and tree, or every part of the exception. */
  private static String outcome(HttpApi api, ApiRequest request) {
    try {
      ApiResponse r = api.send(request);
      return r.bodyText() + "\n" + r.headers() + "\n" + jsonOrError(r);
    } catch (HttpApiException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      return e + "\n" + trace + "\n" + e.answer() + "\n" + e.apiId().orElse("") + e.apiMessage().orElse("")
          + e.requestId().orElse("");
    }
  }

  private static String jsonOrError(ApiResponse r) {
    try {
      return r.json().toString();
    } catch (HttpApiException e) {
      return e.getMessage();
    }
  }

  @Test
  void aPlainTextErrorIsScrubbedBeforeItIsCut() {
    echo.mode(Mode.TEXT_ERROR);
    HttpApi api = HttpApi.builder().baseUrl(server.url("/").toString()).bearerToken(TOKEN).clock(time).sleeper(time)
        .build();

    HttpApiException e = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/account"));

    // The echo puts the token across character 200: cut first, 10 of its characters would survive.
    assertThat(e.apiMessage()).hasValueSatisfying(m -> assertThat(m).endsWith("echo [redacted]...").hasSize(203));
    SecretScan.assertNoPartOf(Map.of("token", TOKEN), Map.of("message", e.getMessage()));
  }

  @Test
  void aKeyDownloadKeepsItsKeyAndEveryOtherAnswerLosesIt() throws Exception {
    String answer = "{\"data\":{\"private_key\":" + JSON.writeValueAsString(KEY) + "}}";
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest r) {
        return new MockResponse.Builder().code(200).body(answer).build();
      }
    });
    HttpApi api = HttpApi.builder().baseUrl(server.url("/").toString()).bearerToken(TOKEN).build();

    ApiResponse download = api.send(ApiRequest.get("/1/certificates/2/private_key").answerHoldsPrivateKey().build());
    ApiResponse other = api.send(ApiRequest.get("/1/certificates/2").build());

    assertThat(download.json().at("/data/private_key").asText()).isEqualTo(KEY);
    assertThat(other.json().at("/data/private_key").asText()).startsWith("[redacted]").doesNotContain("PRIVATE");
  }
}
