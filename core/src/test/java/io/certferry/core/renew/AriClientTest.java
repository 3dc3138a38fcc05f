package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.MutableClock;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP side of ARI against answers shaped like RFC 9773's examples. */
class AriClientTest {
  static final String CERT_ID = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";

  private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
  private MockWebServer server;
  private AriClient client;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    client = AriClient.builder().clock(clock).timeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static MockResponse window(String start, String end) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("Retry-After", "21600")
        .body("{\"suggestedWindow\": {\"start\": \"" + start + "\", \"end\": \"" + end + "\"}}").build();
  }

  @Test
  void fetchesWindowWithUnauthenticatedGetOnCertificatePath() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).setHeader("Retry-After", "21600").body("""
        {
          "suggestedWindow": {
            "start": "2025-01-02T04:00:00Z",
            "end": "2025-01-03T04:00:00Z"
          },
          "explanationURL": "https://acme.example.com/docs/ari"
        }""").build());

    RenewalInfo info = client.fetch(URI.create(server.url("/acme/renewal-info").toString()), CERT_ID);

    assertThat(info.windowStart()).isEqualTo(Instant.parse("2025-01-02T04:00:00Z"));
    assertThat(info.windowEnd()).isEqualTo(Instant.parse("2025-01-03T04:00:00Z"));
    assertThat(info.explanationUrl()).contains(URI.create("https://acme.example.com/docs/ari"));
    assertThat(info.retryAfter()).isEqualTo(Duration.ofHours(6));
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("GET");
    assertThat(request.getTarget()).isEqualTo("/acme/renewal-info/" + CERT_ID);
    assertThat(request.getHeaders().get("Authorization")).isNull();
  }

  @Test
  void baseUrlWithTrailingSlashGetsNoDoubleSlash() throws Exception {
    server.enqueue(window("2025-01-02T04:00:00Z", "2025-01-03T04:00:00Z"));

    client.fetch(URI.create(server.url("/ari/").toString()), CERT_ID);

    assertThat(server.takeRequest().getTarget()).isEqualTo("/ari/" + CERT_ID);
  }

  @Test
  void goesThroughTheSharedHttpLayerAndWaitsOutAShort429() throws Exception {
    FakeTime time = new FakeTime(Instant.parse("2026-11-25T10:00:00Z"));
    AriClient onVirtualTime = AriClient.builder().clock(time).sleeper(time).build();
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "2").build());
    server.enqueue(window("2025-01-02T04:00:00Z", "2025-01-03T04:00:00Z"));

    RenewalInfo info = onVirtualTime.fetch(URI.create(server.url("/ari").toString()), CERT_ID);

    assertThat(info.retryAfter()).isEqualTo(Duration.ofHours(6));
    assertThat(time.sleeps()).containsExactly(Duration.ofSeconds(2));
    server.takeRequest();
    assertThat(server.takeRequest().getHeaders().get("User-Agent")).startsWith("certferry");
  }

  @Test
  void aServerErrorIsOneAttemptAndSaysWhatTheCaAnswered() {
    server.enqueue(new MockResponse.Builder().code(503).setHeader("Content-Type", "application/problem+json")
        .body("{\"type\": \"urn:ietf:params:acme:error:serverInternal\", \"detail\": \"ARI is resting\"}").build());

    assertThatThrownBy(() -> client.fetch(URI.create(server.url("/ari").toString()), CERT_ID))
        .isInstanceOf(AriException.class)
        .hasMessageContaining("answered HTTP 503 urn:ietf:params:acme:error:serverInternal: ARI is resting");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void acceptsTimestampsWithOffsetsAndFractions() throws Exception {
    server.enqueue(window("2025-01-02T05:00:00.5+01:00", "2025-01-03T04:00:00Z"));

    RenewalInfo info = client.fetch(URI.create(server.url("/ari").toString()), CERT_ID);

    assertThat(info.windowStart()).isEqualTo(Instant.parse("2025-01-02T04:00:00.500Z"));
  }

  @Test
  void retryAfterIsBoundedAndDefaulted() {
    assertThat(client.retryAfter(Optional.empty())).isEqualTo(AriClient.DEFAULT_RETRY_AFTER);
    assertThat(client.retryAfter(Optional.of("3600"))).isEqualTo(Duration.ofHours(1));
    assertThat(client.retryAfter(Optional.of("0"))).isEqualTo(Duration.ofMinutes(1));
    assertThat(client.retryAfter(Optional.of("9999999"))).isEqualTo(Duration.ofDays(1));
    assertThat(client.retryAfter(Optional.of("soon"))).isEqualTo(AriClient.DEFAULT_RETRY_AFTER);
    String httpDate = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        clock.instant().plus(Duration.ofHours(2)).atOffset(ZoneOffset.UTC));
    assertThat(client.retryAfter(Optional.of(httpDate))).isEqualTo(Duration.ofHours(2));
  }

  @Test
  void malformedJsonIsAnAriException() {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"suggestedWindow\": {\"start\": ").build());

    assertThatThrownBy(() -> client.fetch(URI.create(server.url("/ari").toString()), CERT_ID))
        .isInstanceOf(AriException.class).hasMessageContaining("malformed JSON");
  }

  @Test
  void windowEndingBeforeItStartsIsRejected() {
    server.enqueue(window("2025-01-03T04:00:00Z", "2025-01-02T04:00:00Z"));

    assertThatThrownBy(() -> client.fetch(URI.create(server.url("/ari").toString()), CERT_ID))
        .isInstanceOf(AriException.class).hasMessageContaining("is not after start");
  }

  @Test
  void missingWindowAndBadTimestampsAreRejected() {
    server.enqueue(new MockResponse.Builder().code(200).body("{\"explanationURL\": \"https://x.example\"}").build());
    server.enqueue(window("yesterday", "2025-01-02T04:00:00Z"));

    URI base = URI.create(server.url("/ari").toString());
    assertThatThrownBy(() -> client.fetch(base, CERT_ID)).hasMessageContaining("no suggestedWindow");
    assertThatThrownBy(() -> client.fetch(base, CERT_ID)).hasMessageContaining("suggestedWindow.start 'yesterday'");
  }

  @Test
  void httpErrorIsAnAriException() {
    server.enqueue(new MockResponse.Builder().code(404)
        .body("{\"type\": \"urn:ietf:params:acme:error:malformed\"}").build());

    assertThatThrownBy(() -> client.fetch(URI.create(server.url("/ari").toString()), CERT_ID))
        .isInstanceOf(AriException.class).hasMessageContaining("HTTP 404");
  }

  @Test
  void findsRenewalInfoUrlInDirectory() throws Exception {
    server.enqueue(new MockResponse.Builder().code(200).body("""
        {"newNonce": "https://acme.example.com/new-nonce",
         "newOrder": "https://acme.example.com/new-order",
         "renewalInfo": "https://acme.example.com/renewal-info"}""").build());
    server.enqueue(new MockResponse.Builder().code(200).body("{\"newNonce\": \"https://acme.example.com/n\"}").build());

    URI dir = URI.create(server.url("/dir").toString());
    assertThat(client.renewalInfoUrl(dir)).contains(URI.create("https://acme.example.com/renewal-info"));
    assertThat(client.renewalInfoUrl(dir)).isEmpty();
  }
}
