package io.certferry.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.TrustAnchors;

import java.net.InetAddress;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What an operator is told when a provider refuses (issue 15): its message, its request id, when to come back. */
class HttpApiErrorsTest {
  /** DigitalOcean's documented error body (the {@code error} schema: id, message, request_id). */
  private static final String DO_422 = "{\"id\":\"unprocessable_entity\",\"message\":\"Certificate name is already in use.\","
      + "\"request_id\":\"8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a\"}";
  private static final String DO_429 = "{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\","
      + "\"request_id\":\"4d2b0c1a-ffee-4c1a-9e0f-000000000429\"}";

  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime(Instant.parse("2026-01-01T12:00:00Z"));

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpApiBuilder api() {
    return HttpApi.builder().baseUrl(server.url("/").toString()).bearerToken("dop_v1_errors0123456789")
        .clock(time).sleeper(time);
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  @Test
  void digitalOceansRequestIdIsQuotedFromTheBodyOrTheHeader() {
    server.enqueue(json(422, DO_422));
    server.enqueue(new MockResponse.Builder().code(404).setHeader("x-request-id", "c0ffee00-1234")
        .body("{\"id\":\"not_found\",\"message\":\"The resource you were accessing could not be found.\"}").build());
    HttpApi api = api().build();

    HttpApiException upload = catchThrowableOfType(HttpApiException.class, () -> api.post("/v2/certificates", "{}"));
    HttpApiException read = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/load_balancers/x"));

    assertThat(upload.requestId()).contains("8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a");
    assertThat(upload.getMessage()).isEqualTo("POST /v2/certificates failed: HTTP 422 unprocessable_entity: "
        + "Certificate name is already in use. (request id 8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a)");
    assertThat(upload.answer()).isEqualTo("HTTP 422 unprocessable_entity: Certificate name is already in use. "
        + "(request id 8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a)");
    assertThat(read.requestId()).contains("c0ffee00-1234");
    assertThat(read.getMessage()).endsWith("could not be found. (request id c0ffee00-1234)");
  }

  @Test
  void whatTheProviderSaidIsOneLineAndALongMessageIsCut() {
    server.enqueue(json(400, "{\"message\":\"line one\\n  line two\\r\\n\\tthree\"}"));
    server.enqueue(json(400, "{\"message\":\"" + "x".repeat(800) + "\"}"));
    HttpApi api = api().build();

    HttpApiException multi = catchThrowableOfType(HttpApiException.class, () -> api.get("/a"));
    HttpApiException longOne = catchThrowableOfType(HttpApiException.class, () -> api.get("/b"));

    assertThat(multi.apiMessage()).contains("line one line two three");
    assertThat(longOne.apiMessage()).hasValueSatisfying(m -> assertThat(m).hasSize(503).endsWith("x..."));
  }

  @Test
  void a429KeepsTheProvidersOwnTextAndTheNextRequestIsHeldBackSayingWhen() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "250").body(DO_429).build());
    HttpApi api = api().maxWait(Duration.ofMinutes(2)).build();

    HttpApiException refused = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/load_balancers/x"));
    HttpApiException held = catchThrowableOfType(HttpApiException.class, () -> api.post("/v2/certificates", "{}"));

    assertThat(refused.getMessage()).isEqualTo("GET /v2/load_balancers/x failed: HTTP 429 too_many_requests: "
        + "API Rate limit exceeded. (request id 4d2b0c1a-ffee-4c1a-9e0f-000000000429; retry after 250 s)");
    assertThat(server.getRequestCount()).as("the held-back upload was never sent").isEqualTo(1);
    assertThat(held.status()).isEqualTo(429);
    assertThat(held.resumeAt()).contains(Instant.parse("2026-01-01T12:04:10Z"));
    assertThat(held.getMessage()).isEqualTo("POST /v2/certificates not sent: the API's rate limit is used up, "
        + "quota back at 12:04:10Z; last answer: HTTP 429 too_many_requests: API Rate limit exceeded. "
        + "(request id 4d2b0c1a-ffee-4c1a-9e0f-000000000429)");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void theClientSideLimitSaysWhenItLetsWorkResume() throws Exception {
    server.enqueue(json(200, "{}"));
    SlidingWindowLimiter cdn = new SlidingWindowLimiter(1, Duration.ofMinutes(10));
    HttpApi api = api().limiter(cdn).maxWait(Duration.ofMinutes(1)).build();

    api.get("/v2/cdn/endpoints/e1");
    HttpApiException held = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/cdn/endpoints/e1"));

    assertThat(held.getMessage()).isEqualTo("GET /v2/cdn/endpoints/e1 not sent: the client-side limit of 1 requests "
        + "per 600 s is used up, quota back at 12:10:00Z");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void extraTrustAnchorsLetATestCaIn() throws Exception {
    TestPki.Ca ca = TestPki.root("Private Test CA");
    server.close();
    try (MockWebServer tls = new MockWebServer()) {
      tls.useHttps(serverContext(ca.leaf(List.of("localhost"))).getSocketFactory());
      tls.start(InetAddress.getByName("127.0.0.1"), 0);
      tls.enqueue(json(200, "{\"ok\":true}"));
      String url = "https://localhost:" + tls.getPort();

      HttpApiException untrusted = catchThrowableOfType(HttpApiException.class,
          () -> HttpApi.builder().baseUrl(url).maxAttempts(1).build().get("/dir"));
      boolean ok = HttpApi.builder().baseUrl(url).trustAnchors(TrustAnchors.jdkDefault().with(List.of(ca.certificate())))
          .build().get("/dir").path("ok").asBoolean();

      assertThat(untrusted.status()).isZero();
      assertThat(untrusted.getMessage()).contains("SSLHandshakeException");
      assertThat(ok).isTrue();
    }
  }

  private static SSLContext serverContext(CertificateBundle leaf) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    List<X509Certificate> chain = new ArrayList<>(List.of(leaf.leaf()));
    chain.addAll(leaf.chain());
    ks.setKeyEntry("leaf", leaf.privateKey(), new char[0], chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }
}
