package io.certferry.core.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NotifiersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  final MockWebServer server = new MockWebServer();
  final FakeTime time = FakeTime.create();
  final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");

  @BeforeEach
  void start() throws Exception { server.start(InetAddress.getLoopbackAddress(), 0); }

  @AfterEach
  void stop() { server.close(); }

  WebhookNotifier webhook() {
    return new WebhookNotifier(server.url("/hooks/T000/B000/secretpart"), 3, Duration.ofSeconds(2), Duration.ofSeconds(5),
        context(Map.of()));
  }

  ProviderContext context(Map<String, String> env) {
    return ProviderContext.builder(ReferenceSecrets.withEnvironment(env)).clock(time).sleeper(time).build();
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("request expected").isNotNull();
    return r;
  }

  LifecycleEvent expiring() {
    return new LifecycleEvent(LifecycleEvent.Type.EXPIRING, t0, "shop", Optional.empty(),
        "shop expires in 14 days", Map.of("level", "14"));
  }

  @Test
  void webhookPostsSlackCompatibleJsonAndRetriesServerErrors() throws Exception {
    server.enqueue(new MockResponse.Builder().code(500).build());
    server.enqueue(new MockResponse.Builder().code(429).addHeader("Retry-After", "7").build());
    server.enqueue(new MockResponse.Builder().code(200).body("ok").build());
    webhook().notify(expiring());
    assertThat(server.getRequestCount()).isEqualTo(3);
    // A 5xx backs off (jittered, within the first delay), a 429 waits its Retry-After.
    List<Duration> slept = time.sleeps();
    assertThat(slept).hasSize(2);
    assertThat(slept.get(0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
    assertThat(slept.get(1)).isEqualTo(Duration.ofSeconds(7));
    RecordedRequest r = take();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/hooks/T000/B000/secretpart");
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    JsonNode body = JSON.readTree(r.getBody().utf8());
    assertThat(body.get("text").asText()).contains("expiring").contains("shop expires in 14 days");
    assertThat(body.get("event").asText()).isEqualTo("expiring");
    assertThat(body.get("severity").asText()).isEqualTo("warning");
    assertThat(body.get("certificate").asText()).isEqualTo("shop");
    assertThat(body.at("/details/level").asText()).isEqualTo("14");
  }

  @Test
  void webhookDoesNotRetryAClientErrorAndGivesUpAfterItsAttempts() {
    server.enqueue(new MockResponse.Builder().code(404).build());
    webhook().notify(expiring());
    assertThat(server.getRequestCount()).isEqualTo(1);
    for (int i = 0; i < 3; i++) {
      server.enqueue(new MockResponse.Builder().code(502).build());
    }
    webhook().notify(expiring());
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  @Test
  void sendgridSendsV3MailWithBearerKey() throws Exception {
    server.enqueue(new MockResponse.Builder().code(202).build());
    ObjectNode s = JSON.createObjectNode().put("type", "sendgrid").put("apiKey", "${env:SG_KEY}")
        .put("from", "certferry@example.org").put("baseUrl", server.url("/").toString());
    s.putArray("to").add("ops@example.org").add("oncall@example.org");
    NotifierFactories.SendGrid f = new NotifierFactories.SendGrid();
    assertThat(f.validate(s)).isEmpty();
    Notifier n = (Notifier) f.create(s, context(Map.of("SG_KEY", "SG.test-key")));
    assertThat(n.toString()).doesNotContain("SG.test-key");
    n.notify(expiring());
    RecordedRequest r = take();
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v3/mail/send");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer SG.test-key");
    JsonNode body = JSON.readTree(r.getBody().utf8());
    assertThat(body.at("/personalizations/0/to/1/email").asText()).isEqualTo("oncall@example.org");
    assertThat(body.at("/from/email").asText()).isEqualTo("certferry@example.org");
    assertThat(body.at("/subject").asText()).contains("shop").contains("expiring");
    assertThat(body.at("/content/0/type").asText()).isEqualTo("text/plain");
    assertThat(body.at("/content/0/value").asText()).contains("shop expires in 14 days");
  }

  @Test
  void literalSecretsAreRefusedWithTheFix() {
    ObjectNode hook = JSON.createObjectNode().put("type", "webhook").put("url", "https://hooks.slack.com/services/T/B/xyz");
    assertThat(new NotifierFactories.Webhook().validate(hook)).singleElement().asString()
        .contains("${env:SLACK_WEBHOOK_URL}").doesNotContain("xyz");
    ObjectNode sg = JSON.createObjectNode().put("type", "sendgrid").put("apiKey", "SG.abc").put("from", "x").put("colour", 1);
    assertThat(new NotifierFactories.SendGrid().validate(sg)).hasSize(4)
        .anySatisfy(e -> assertThat(e).startsWith("apiKey:").doesNotContain("SG.abc"))
        .anySatisfy(e -> assertThat(e).startsWith("from:"))
        .anySatisfy(e -> assertThat(e).startsWith("to:"))
        .anySatisfy(e -> assertThat(e).contains("unknown setting 'colour'"));
    ObjectNode bad = JSON.createObjectNode().put("type", "webhook").put("url", "${env:NOPE}");
    assertThatThrownBy(() -> new NotifierFactories.Webhook().create(bad, context(Map.of())))
        .hasMessageContaining("NOPE");
  }

  /** The whole chain: alerts reach the webhook once per level, and one all-clear when replaced. */
  @Test
  void alertsThroughCertManagerAreDeduplicatedEscalatedAndCleared() throws Exception {
    for (int i = 0; i < 10; i++) {
      server.enqueue(new MockResponse.Builder().code(200).build());
    }
    TestPki.Ca ca = TestPki.root("Notify CA");
    MemoryStore store = new MemoryStore();
    MutableClock clock = new MutableClock(t0);
    store.addVersion("shop", ca.leaf(List.of("shop.example.test"), KeyType.EC_P256, t0.minus(Duration.ofDays(340)),
        t0.plus(Duration.ofDays(25))), "imported", Map.of());
    try (CertManager m = CertManager.builder().store(store).clock(clock).notifier(webhook())
        .certificate(ManagedCertificate.of("shop", List.of("shop.example.test"), "imported")).build()) {
      m.reconcile();
      m.reconcile();
      assertThat(server.getRequestCount()).isEqualTo(1);
      assertThat(JSON.readTree(take().getBody().utf8()).at("/details/level").asText()).isEqualTo("30");
      clock.advance(Duration.ofDays(12)); // 13 days left
      m.reconcile();
      m.reconcile();
      assertThat(server.getRequestCount()).isEqualTo(2);
      assertThat(JSON.readTree(take().getBody().utf8()).at("/details/level").asText()).isEqualTo("14");
      store.addVersion("shop", ca.leaf(List.of("shop.example.test"), KeyType.EC_P256, clock.instant(),
          clock.instant().plus(Duration.ofDays(365))), "imported", Map.of());
      m.reconcile();
      m.reconcile();
      assertThat(server.getRequestCount()).isEqualTo(3);
      JsonNode clear = JSON.readTree(take().getBody().utf8());
      assertThat(clear.get("event").asText()).isEqualTo("recovered");
      assertThat(clear.get("text").asText()).contains("all clear");
    }
  }
}
