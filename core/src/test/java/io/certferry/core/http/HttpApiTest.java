package io.certferry.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.core.testing.FakeTime;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class HttpApiTest {
  private static final String TOKEN = "dop_v1_f00dfeedc0ffee1234567890abcdef";
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpApiBuilder api() {
    return HttpApi.builder().baseUrl(server.url("/").toString()).bearerToken(TOKEN)
        .clock(time).sleeper(time).userAgent("certferry-test/1");
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  @Test
  void sendsTokenUserAgentAndEncodedPathAndQuery() throws Exception {
    server.enqueue(json(200, "{\"load_balancer\":{\"id\":\"4de7ac8b\"}}"));
    ApiResponse r = api().build().send(ApiRequest.get("/v2/load_balancers/{lb_id}", "4de7 ac8b")
        .query("per_page", 200).query("name", "a&b").build());

    assertThat(r.json().at("/load_balancer/id").asText()).isEqualTo("4de7ac8b");
    RecordedRequest req = server.takeRequest();
    assertThat(req.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(req.getHeaders().get("User-Agent")).isEqualTo("certferry-test/1");
    assertThat(req.getUrl().encodedPath()).isEqualTo("/v2/load_balancers/4de7%20ac8b");
    assertThat(req.getUrl().queryParameter("name")).isEqualTo("a&b");
    assertThat(req.getUrl().queryParameter("per_page")).isEqualTo("200");
  }

  @Test
  void baseUrlWithAPathPrefixKeepsIt() throws Exception {
    server.enqueue(json(200, "{}"));
    HttpApi api = api().baseUrl(server.url("/api/v1").toString()).build();
    api.get("/sites/{site_id}/ssl", "site-1");
    assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/api/v1/sites/site-1/ssl");
  }

  @Test
  void postsJsonAndBindsTypedAnswers() throws Exception {
    server.enqueue(json(201, "{\"name\":\"n1\",\"extra\":1}"));
    record Named(String name) {}
    ApiResponse r = api().build().send(ApiRequest.post("/v2/certificates").body(Map.of("name", "n1")).build());

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.as(Named.class)).isEqualTo(new Named("n1"));
    RecordedRequest req = server.takeRequest();
    assertThat(req.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(req.getBody().utf8()).isEqualTo("{\"name\":\"n1\"}");
  }

  @Test
  void retriesServerErrorsWithGrowingJitteredBackoff() throws Exception {
    server.enqueue(json(503, "{\"id\":\"service_unavailable\",\"message\":\"try later\"}"));
    server.enqueue(json(500, "{}"));
    server.enqueue(json(200, "{\"ok\":true}"));

    JsonNode n = api().backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)).build().get("/v2/account");

    assertThat(n.get("ok").asBoolean()).isTrue();
    assertThat(server.getRequestCount()).isEqualTo(3);
    List<Duration> sleeps = time.sleeps();
    assertThat(sleeps).hasSize(2);
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
    assertThat(sleeps.get(1)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
  }

  @Test
  void givesUpOnServerErrorsAfterMaxAttempts() {
    for (int i = 0; i < 5; i++) {
      server.enqueue(json(502, "{\"message\":\"bad gateway\"}"));
    }
    HttpApiException e = catchThrowableOfType(HttpApiException.class,
        () -> api().maxAttempts(3).build().get("/v2/account"));

    assertThat(e.status()).isEqualTo(502);
    assertThat(e.isTransient()).isTrue();
    assertThat(e.getMessage()).isEqualTo("GET /v2/account failed: HTTP 502: bad gateway");
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void doesNotRetryAPostAfterAServerError() {
    server.enqueue(json(500, "{\"message\":\"oops\"}"));
    server.enqueue(json(201, "{}"));
    assertThatThrownBy(() -> api().build().post("/v2/certificates", Map.of("name", "x")))
        .isInstanceOf(HttpApiException.class).hasMessageContaining("HTTP 500");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void retriesABrokenConnection() throws Exception {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(json(200, "{\"ok\":true}"));

    JsonNode n = api().build().get("/v2/account");

    assertThat(n.get("ok").asBoolean()).isTrue();
    assertThat(time.sleeps()).isNotEmpty();
  }

  @Test
  void connectionRefusedEndsAsStatusZeroAfterTheBound() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    HttpApi api = api().baseUrl("http://127.0.0.1:" + closedPort).maxAttempts(3).build();

    HttpApiException e = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/account"));

    assertThat(e.status()).isZero();
    assertThat(e.getMessage()).startsWith("GET /v2/account failed after 3 attempt(s): ConnectException");
    assertThat(time.sleeps()).hasSize(2);
  }

  @Test
  void honoursRetryAfterSeconds() throws Exception {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
        .body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}").build());
    server.enqueue(json(200, "{\"ok\":true}"));

    api().build().get("/v2/account");

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(7));
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void honoursRetryAfterAsAnHttpDate() throws Exception {
    String at = DateTimeFormatter.RFC_1123_DATE_TIME.format(time.instant().plusSeconds(30).atOffset(ZoneOffset.UTC));
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", at).build());
    server.enqueue(json(200, "{}"));

    api().build().get("/v2/account");

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(30));
  }

  @Test
  void a429WithOnlyAResetHeaderWaitsForTheReset() throws Exception {
    long reset = time.instant().plusSeconds(42).getEpochSecond();
    server.enqueue(new MockResponse.Builder().code(429).setHeader("X-RateLimit-Remaining", "0")
        .setHeader("X-RateLimit-Reset", reset).build());
    server.enqueue(json(200, "{}"));

    api().build().get("/v2/whoami");

    assertThat(time.totalSlept()).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void exhaustedDigitalOceanQuotaDelaysTheNextRequestUntilReset() throws Exception {
    Instant reset = time.instant().plusSeconds(25);
    server.enqueue(new MockResponse.Builder().code(200).setHeader("ratelimit-limit", "250")
        .setHeader("ratelimit-remaining", "0").setHeader("ratelimit-reset", reset.getEpochSecond()).body("{}").build());
    server.enqueue(json(200, "{}"));
    List<Instant> seenAt = recordArrivalTimes();

    HttpApi api = api().build();
    api.get("/v2/account");
    assertThat(time.sleeps()).isEmpty();
    api.get("/v2/account");

    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(25));
    assertThat(seenAt.get(1)).isEqualTo(reset);
  }

  @Test
  void netlifyStyleRemainingAboveZeroDoesNotWait() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("X-RateLimit-Remaining", "3")
        .setHeader("X-RateLimit-Reset", time.instant().plusSeconds(60).getEpochSecond()).body("{}").build());
    server.enqueue(json(200, "{}"));
    HttpApi api = api().build();
    api.get("/sites");
    api.get("/sites");
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void givesUpWhenTheServerAsksForMoreThanMaxWait() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "600")
        .body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}").build());

    HttpApiException e = catchThrowableOfType(HttpApiException.class,
        () -> api().maxWait(Duration.ofMinutes(2)).build().get("/v2/account"));

    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(600));
    assertThat(e.apiId()).contains("too_many_requests");
    assertThat(e.getMessage()).contains("retry after 600 s");
    assertThat(time.sleeps()).isEmpty();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void repeated429sStopAtMaxWait() {
    for (int i = 0; i < 30; i++) {
      server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "20").build());
    }
    HttpApiException e = catchThrowableOfType(HttpApiException.class,
        () -> api().maxWait(Duration.ofSeconds(60)).build().get("/v2/account"));

    assertThat(e.status()).isEqualTo(429);
    assertThat(time.totalSlept()).isLessThanOrEqualTo(Duration.ofSeconds(60));
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void clientSideLimiterKeepsEveryTenSecondWindowAtFiveRequests() throws Exception {
    for (int i = 0; i < 12; i++) {
      server.enqueue(json(200, "{}"));
    }
    List<Instant> seenAt = recordArrivalTimes();
    SlidingWindowLimiter cdn = new SlidingWindowLimiter(5, Duration.ofSeconds(10));
    HttpApi api = api().build();

    for (int i = 0; i < 12; i++) {
      api.send(ApiRequest.get("/v2/cdn/endpoints/{cdn_id}", "e1").limitedBy(cdn).build());
    }

    assertThat(seenAt).hasSize(12);
    for (Instant t : seenAt) {
      long inWindow = seenAt.stream().filter(s -> !s.isBefore(t) && s.isBefore(t.plusSeconds(10))).count();
      assertThat(inWindow).as("requests in the 10 s from %s", t).isLessThanOrEqualTo(5);
    }
    assertThat(Duration.between(seenAt.get(0), seenAt.get(11))).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void errorBodiesOfEachApiAreRead() {
    server.enqueue(json(404, "{\"id\":\"not_found\",\"message\":\"The resource you were accessing could not be found.\"}"));
    server.enqueue(json(400, "{\"message\":\"Validation failed\",\"errors\":{\"content\":[\"can't be blank\"],\"ttl\":[\"too low\",\"odd\"]}}"));
    server.enqueue(json(422, "{\"code\":422,\"message\":\"No custom domain configured\"}"));
    HttpApi api = api().build();

    HttpApiException doErr = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/load_balancers/{id}", "x1"));
    HttpApiException dnsimpleErr = catchThrowableOfType(HttpApiException.class, () -> api.post("/1/zones/z/records", Map.of()));
    HttpApiException netlifyErr = catchThrowableOfType(HttpApiException.class, () -> api.post("/sites/s/ssl", Map.of()));

    assertThat(doErr.apiId()).contains("not_found");
    assertThat(doErr.getMessage()).isEqualTo(
        "GET /v2/load_balancers/x1 failed: HTTP 404 not_found: The resource you were accessing could not be found.");
    assertThat(dnsimpleErr.apiMessage()).contains("Validation failed (content: can't be blank; ttl: too low, odd)");
    assertThat(netlifyErr.status()).isEqualTo(422);
    assertThat(netlifyErr.apiMessage()).contains("No custom domain configured");
    assertThat(netlifyErr.isTransient()).isFalse();
  }

  @Test
  void tokenAndSensitiveQueryNeverReachMessagesOrLogs() throws Exception {
    String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n";
    // The server echoes the whole URL, the token and the key back, as a careless API might.
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        return json(422, "{\"message\":\"bad request " + r.getUrl() + " auth " + r.getHeaders().get("Authorization")
            + " key " + r.getUrl().queryParameter("key").replace("\n", "\\n") + "\"}");
      }
    });
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      HttpApi api = api().build();
      HttpApiException e = catchThrowableOfType(HttpApiException.class, () -> api.send(
          ApiRequest.post("/sites/{site_id}/ssl", "site-1").query("certificate", "CERTPEM-PUBLIC").query("key", key)
              .sensitive().idempotent(true).build()));

      String everything = e.getMessage() + e + stackTrace(e) + e.apiMessage().orElse("") + logText(logs);
      assertThat(everything).doesNotContain(TOKEN).doesNotContain("SECRETSECRET").doesNotContain("CERTPEM");
      // What we write ourselves names the path template only; the URL is never logged.
      assertThat(logText(logs)).doesNotContain("key=").doesNotContain("site-1").doesNotContain("127.0.0.1");
      assertThat(e.getMessage()).startsWith("POST /sites/{site_id}/ssl failed: HTTP 422");
      assertThat(logText(logs)).contains("POST /sites/{site_id}/ssl -> 422");
    } finally {
      detach(logs);
    }
  }

  @Test
  void sensitiveUrlIsNotLoggedOnNetworkFailuresEither() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = s.getLocalPort();
    }
    ListAppender<ILoggingEvent> logs = captureLogs();
    try {
      HttpApi api = api().baseUrl("http://127.0.0.1:" + closedPort + "/api/v1").maxAttempts(2).build();
      HttpApiException e = catchThrowableOfType(HttpApiException.class, () -> api.send(
          ApiRequest.post("/sites/{site_id}/ssl", "site-9").query("key", "PRIVATEKEYMATERIAL").sensitive().build()));
      String everything = e.getMessage() + stackTrace(e) + logText(logs);
      assertThat(everything).doesNotContain("PRIVATEKEYMATERIAL").doesNotContain("site-9").doesNotContain(TOKEN);
      assertThat(e.getMessage()).contains("POST /sites/{site_id}/ssl");
    } finally {
      detach(logs);
    }
  }

  @Test
  void toStringsHoldNoSecrets() {
    HttpApi api = api().build();
    ApiRequest r = ApiRequest.post("/sites/{site_id}/ssl", "s").query("key", "PRIVATEKEYMATERIAL").sensitive().build();
    assertThat(api.toString()).doesNotContain(TOKEN);
    assertThat(r.toString()).isEqualTo("ApiRequest{POST /sites/{site_id}/ssl}");
  }

  @Test
  void rejectsAMismatchOfPlaceholdersAndArguments() {
    assertThatThrownBy(() -> ApiRequest.get("/v2/load_balancers/{lb_id}").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 placeholders but 0 arguments");
  }

  private List<Instant> recordArrivalTimes() {
    List<Instant> seen = new CopyOnWriteArrayList<>();
    Dispatcher queue = server.getDispatcher();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        seen.add(time.instant());
        return queue.dispatch(r);
      }
    });
    return seen;
  }

  private static ListAppender<ILoggingEvent> captureLogs() {
    Logger logger = (Logger) LoggerFactory.getLogger("io.certferry");
    logger.setLevel(Level.TRACE);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    return appender;
  }

  private static void detach(ListAppender<ILoggingEvent> appender) {
    Logger logger = (Logger) LoggerFactory.getLogger("io.certferry");
    logger.detachAppender(appender);
    logger.setLevel(null);
  }

  private static String logText(ListAppender<ILoggingEvent> logs) {
    List<String> lines = new ArrayList<>();
    logs.list.forEach(ev -> lines.add(ev.getFormattedMessage()));
    return String.join("\n", lines);
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
