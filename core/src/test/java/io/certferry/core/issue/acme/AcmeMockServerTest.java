package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.store.LineageState;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.x509.KeyType;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ACME behaviour Pebble 2.4 cannot show (profiles, rate limits with Retry-After) and the shape of
 * requests (EAB), against a scripted CA on MockWebServer.
 */
class AcmeMockServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HMAC = Base64.getUrlEncoder().withoutPadding()
      .encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));

  private final MockWebServer server = new MockWebServer();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger nonce = new AtomicInteger();
  private final Instant now = Instant.parse("2026-05-01T10:00:00Z");
  private final MemoryStore store = new MemoryStore();
  private final List<String> progress = new ArrayList<>();
  private String meta = "{\"termsOfService\":\"https://ca.example/tos\"}";
  private MockResponse orderResponse;
  private boolean ari;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        requests.add(r);
        return answer(r);
      }
    });
    server.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private MockResponse answer(RecordedRequest r) {
    String path = r.getUrl().encodedPath();
    String base = "http://127.0.0.1:" + server.getPort();
    return switch (path) {
      case "/dir" -> json(200, "{\"newNonce\":\"" + base + "/nonce\",\"newAccount\":\"" + base + "/acct\","
          + "\"newOrder\":\"" + base + "/order\",\"revokeCert\":\"" + base + "/revoke\","
          + (ari ? "\"renewalInfo\":\"" + base + "/ari\"," : "") + "\"meta\":" + meta + "}").build();
      case "/nonce" -> new MockResponse.Builder().code(200).addHeader("Replay-Nonce", nextNonce()).build();
      case "/acct" -> json(201, "{\"status\":\"valid\",\"orders\":\"" + base + "/acct/1/orders\"}")
          .addHeader("Location", base + "/acct/1").build();
      case "/order" -> orderResponse;
      default -> json(404, "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"not here\"}").build();
    };
  }

  private MockResponse.Builder json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Replay-Nonce", nextNonce())
        .addHeader("Content-Type", code >= 400 ? "application/problem+json" : "application/json").body(body);
  }

  private String nextNonce() {
    return "nonce" + nonce.incrementAndGet();
  }

  private URI directory() {
    return URI.create("http://127.0.0.1:" + server.getPort() + "/dir");
  }

  private AcmeIssuer.Builder issuer() {
    return AcmeIssuer.builder().directory(directory()).agreeToTermsOfService(true).store(store)
        .clock(Clock.fixed(now, ZoneOffset.UTC)).progress(progress::add)
        .solver(new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", 0)));
  }

  @Test
  void rateLimitIsReportedWithTheCasRetryAfterAndNothingIsWritten() throws Exception {
    Instant retry = Instant.parse("2026-05-01T13:30:00Z");
    orderResponse = json(429, "{\"type\":\"urn:ietf:params:acme:error:rateLimited\","
        + "\"detail\":\"too many certificates (5) already issued for this exact set of identifiers\"}")
        .addHeader("Retry-After", DateTimeFormatter.RFC_1123_DATE_TIME.format(retry.atOffset(ZoneOffset.UTC))).build();
    AcmeIssuer issuer = issuer().build();

    assertThatThrownBy(() -> issuer.issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("www")
        .hasMessageContaining("too many certificates")
        .satisfies(e -> assertThat(((IssueException) e).retryAfter()).contains(retry))
        .satisfies(e -> assertThat(((IssueException) e).kind()).isEqualTo(IssueException.Kind.RATE_LIMITED));
    // The issuer reports; the engine keeps the hold (CertManagerTest). Only the account was written.
    assertThat(store.state("www")).isEqualTo(LineageState.empty());
    assertThat(countPosts("/order")).isEqualTo(1);
  }

  @Test
  void unknownProfileIsRejectedBeforeAnyOrderNamingTheOfferedOnes() throws Exception {
    meta = "{\"profiles\":{\"classic\":\"90 days\",\"shortlived\":\"6 days\",\"tlsserver\":\"no client auth\"}}";
    IssueRequest req = new IssueRequest("www", List.of("www.example.com"), KeyType.EC_P256, Optional.empty(),
        Optional.empty(), Optional.of("sixdays"), Optional.empty(), null);
    assertThatThrownBy(() -> issuer().build().issue(req))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("profile sixdays is not offered by " + directory())
        .hasMessageContaining("offered: classic, shortlived, tlsserver");
    assertThat(countPosts("/order")).isZero();
  }

  @Test
  void profileOnACaWithoutProfilesSaysSo() {
    IssueRequest req = new IssueRequest("www", List.of("www.example.com"), KeyType.EC_P256, Optional.empty(),
        Optional.empty(), Optional.of("shortlived"), Optional.empty(), null);
    assertThatThrownBy(() -> issuer().build().issue(req))
        .isInstanceOf(IssueException.class).hasMessageContaining("advertises no profiles");
  }

  @Test
  void knownProfileAndReplacesAreSentInTheOrder() throws Exception {
    meta = "{\"profiles\":{\"classic\":\"90 days\",\"shortlived\":\"6 days\"}}";
    ari = true;
    orderResponse = json(400, "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"stop here\"}").build();
    IssueRequest req = new IssueRequest("www", List.of("www.example.com", "*.example.com"), KeyType.EC_P256,
        Optional.empty(), Optional.of("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"), Optional.of("shortlived"), Optional.empty(),
        null);
    assertThatThrownBy(() -> issuer().build().issue(req)).isInstanceOf(IssueException.class).hasMessageContaining("stop here");
    JsonNode payload = payload(posts("/order").get(0));
    assertThat(payload.path("profile").asText()).isEqualTo("shortlived");
    assertThat(payload.path("replaces").asText()).isEqualTo("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
    assertThat(payload.path("identifiers").findValuesAsText("value")).containsExactly("www.example.com", "*.example.com");
    // a malformed answer to the order is the CA refusing it, not a failed validation
    assertThatThrownBy(() -> issuer().build().issue(req))
        .satisfies(e -> assertThat(((IssueException) e).kind()).isEqualTo(IssueException.Kind.CA_REJECTED));
  }

  @Test
  void replacesIsLeftOutWhenTheCaHasNoAri() throws Exception {
    orderResponse = json(400, "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"stop here\"}").build();
    IssueRequest req = new IssueRequest("www", List.of("www.example.com"), KeyType.EC_P256,
        Optional.empty(), Optional.of("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE"), Optional.empty(), Optional.empty(), null);
    assertThatThrownBy(() -> issuer().build().issue(req)).hasMessageContaining("stop here");
    assertThat(payload(posts("/order").get(0)).has("replaces")).isFalse();
    assertThat(progress).anyMatch(l -> l.contains("no renewal information"));
  }

  @Test
  void eabBindsTheAccountKeyWithAnHmacOverTheJwk() throws Exception {
    meta = "{\"termsOfService\":\"https://ca.example/tos\",\"externalAccountRequired\":true}";
    orderResponse = json(400, "{\"type\":\"urn:ietf:params:acme:error:malformed\",\"detail\":\"stop here\"}").build();
    AcmeIssuer issuer = issuer().externalAccountBinding("kid-1", HMAC).email("ops@example.com").build();
    assertThatThrownBy(() -> issuer.issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256)))
        .hasMessageContaining("stop here");

    RecordedRequest acct = posts("/acct").get(0);
    JsonNode jws = JSON.readTree(acct.getBody().utf8());
    JsonNode payload = payload(acct);
    assertThat(payload.path("termsOfServiceAgreed").asBoolean()).isTrue();
    assertThat(payload.path("contact").get(0).asText()).isEqualTo("mailto:ops@example.com");
    JsonNode eab = payload.path("externalAccountBinding");
    JsonNode eabHeader = JSON.readTree(Base64.getUrlDecoder().decode(eab.path("protected").asText()));
    assertThat(eabHeader.path("kid").asText()).isEqualTo("kid-1");
    assertThat(eabHeader.path("alg").asText()).startsWith("HS");
    assertThat(eabHeader.path("url").asText()).isEqualTo("http://127.0.0.1:" + server.getPort() + "/acct");
    // the EAB payload is the account's public JWK, the same as in the outer JWS header
    JsonNode outerJwk = JSON.readTree(Base64.getUrlDecoder().decode(jws.path("protected").asText())).path("jwk");
    JsonNode eabJwk = JSON.readTree(Base64.getUrlDecoder().decode(eab.path("payload").asText()));
    assertThat(eabJwk).isEqualTo(outerJwk);
    assertThat(outerJwk.has("d")).isFalse();
    // and the MAC verifies with the HMAC key
    String alg = eabHeader.path("alg").asText().replace("HS", "HmacSHA");
    Mac mac = Mac.getInstance(alg);
    mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(HMAC), alg));
    byte[] expected = mac.doFinal((eab.path("protected").asText() + "." + eab.path("payload").asText())
        .getBytes(StandardCharsets.US_ASCII));
    assertThat(Base64.getUrlDecoder().decode(eab.path("signature").asText())).isEqualTo(expected);
    assertThat(progress).noneMatch(l -> l.contains(HMAC));
  }

  @Test
  void caRequiringEabWithoutItFailsWithTheFlagsToUse() {
    meta = "{\"externalAccountRequired\":true}";
    assertThatThrownBy(() -> issuer().build().issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class).hasMessageContaining("set eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}} (--eab-key-id, --eab-hmac-key)");
    assertThat(countPosts("/acct")).isZero();
    // the key is kept for the next try, the account is not registered
    assertThat(store.accountWrites()).hasSize(1);
    assertThat(store.accountWrites().get(0).accountUrl()).isNull();
  }

  @Test
  void termsNotAcceptedFailsWithTheTermsUrl() {
    AcmeIssuer issuer = issuer().agreeToTermsOfService(false).build();
    assertThatThrownBy(() -> issuer.issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256)))
        .isInstanceOf(IssueException.class).hasMessageContaining("https://ca.example/tos").hasMessageContaining("--agree-tos");
    assertThat(countPosts("/acct")).isZero();
  }

  @Test
  void issuersOfOneEngineReadTheDirectoryOnceAndShareTheAccount() {
    // The agent makes one issuer per certificate, all with the engine's AcmeSessions. Every order is
    // refused here, after everything that comes before it has been asked.
    orderResponse = json(429, "{\"type\":\"urn:ietf:params:acme:error:rateLimited\",\"detail\":\"slow down\"}").build();
    AcmeSessions sessions = new AcmeSessions();
    for (String name : List.of("www", "api", "mail")) {
      AcmeIssuer issuer = issuer().sessions(sessions).build();
      assertThatThrownBy(() -> issuer.issue(IssueRequest.of(name, List.of(name + ".example.com"), KeyType.EC_P256)))
          .isInstanceOf(IssueException.class).hasMessageContaining("slow down");
    }
    assertThat(countPosts("/order")).isEqualTo(3);
    assertThat(requestsTo("/dir")).as("directory reads").isEqualTo(1);
    assertThat(countPosts("/acct")).as("account registrations").isEqualTo(1);
  }

  private long requestsTo(String path) {
    return requests.stream().filter(r -> r.getUrl().encodedPath().equals(path)).count();
  }

  private List<RecordedRequest> posts(String path) {
    return requests.stream().filter(r -> "POST".equals(r.getMethod()) && r.getUrl().encodedPath().equals(path)).toList();
  }

  private long countPosts(String path) {
    return posts(path).size();
  }

  private static JsonNode payload(RecordedRequest r) throws Exception {
    JsonNode jws = JSON.readTree(r.getBody().utf8());
    return JSON.readTree(Base64.getUrlDecoder().decode(jws.path("payload").asText()));
  }
}
