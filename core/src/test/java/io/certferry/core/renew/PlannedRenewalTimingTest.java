package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.RenewalTiming;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.SettableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CertManager-facing timing: ARI through a cached directory lookup, the lifetime rule otherwise. */
class PlannedRenewalTimingTest {
  private final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final MemoryStore store = new MemoryStore();
  private final AtomicInteger directoryHits = new AtomicInteger();
  private volatile String directoryBody;
  private volatile String window;
  private MockWebServer server;
  private StoredVersion current;
  private CertificateBundle leaf;

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/dir")) {
          directoryHits.incrementAndGet();
          return directoryBody == null ? new MockResponse.Builder().code(500).build()
              : new MockResponse.Builder().code(200).body(directoryBody).build();
        }
        if (path.startsWith("/ari/")) {
          return new MockResponse.Builder().code(200).body(window).build();
        }
        return new MockResponse.Builder().code(404).build();
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    Instant now = clock.instant();
    leaf = TestPki.root("Timing Root").leaf(List.of("www.example.com"), KeyType.EC_P256,
        now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(60)));
    current = store.addVersion("www", leaf, "acme", Map.of());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Function<LineageSpec, Optional<RenewalInfoSource>> sources() {
    AriClient client = AriClient.builder().clock(clock).build();
    URI dir = URI.create(server.url("/dir").toString());
    return AriDirectories.cached(client, spec -> spec.source().equals("acme") ? Optional.of(dir) : Optional.empty(), clock);
  }

  private static LineageSpec spec(String source, Map<String, String> options) {
    return new LineageSpec("www", List.of("www.example.com"), source, "ec-p256", options, List.of());
  }

  @Test
  void ariWindowInThePastMakesItDueWithReplaces() {
    directoryBody = "{\"renewalInfo\": \"" + server.url("/ari") + "\"}";
    Instant start = clock.instant().minus(Duration.ofDays(1));
    window = "{\"suggestedWindow\": {\"start\": \"" + start + "\", \"end\": \"" + start.plus(Duration.ofHours(12)) + "\"}}";
    RenewalTiming timing = PlannedRenewalTiming.builder(store).renewalInfo(sources()).create();

    RenewalTiming.Decision d = timing.decide(spec("acme", Map.of()), current, LineageState.empty(), clock.instant());

    assertThat(d.due()).isTrue();
    assertThat(d.replaces()).isEqualTo(AriCertificateId.of(leaf.leaf()));
    assertThat(d.state().ariWindowStart()).isEqualTo(start);
    assertThat(d.state().ariNextPoll()).isEqualTo(clock.instant().plus(AriClient.DEFAULT_RETRY_AFTER));
  }

  @Test
  void holdsAreLeftToCertManagerAndKeptInTheState() {
    RenewalTiming timing = PlannedRenewalTiming.builder(store).create();
    clock.set(leaf.notAfter().minus(Duration.ofDays(1)));
    Instant retry = clock.instant().plus(Duration.ofHours(1));
    LineageState held = new LineageState(retry, 2, retry, "rate limited", null, null, null, null, null, Map.of());

    RenewalTiming.Decision d = timing.decide(spec("local", Map.of()), current, held, clock.instant());

    assertThat(d.due()).isTrue();
    assertThat(d.state().noOrderBefore()).isEqualTo(retry);
    assertThat(d.state().failedAttempts()).isEqualTo(2);
    assertThat(d.state().lastError()).isEqualTo("rate limited");
  }

  @Test
  void directoryLookupIsCachedForADay() {
    directoryBody = "{\"newNonce\": \"https://x.example/nonce\"}";
    Function<LineageSpec, Optional<RenewalInfoSource>> sources = sources();

    assertThat(sources.apply(spec("acme", Map.of()))).isEmpty();
    assertThat(sources.apply(spec("acme", Map.of()))).isEmpty();
    assertThat(directoryHits).hasValue(1);
    clock.advance(Duration.ofHours(25));
    assertThat(sources.apply(spec("acme", Map.of()))).isEmpty();
    assertThat(directoryHits).hasValue(2);
    assertThat(sources.apply(spec("local", Map.of()))).isEmpty();
    assertThat(directoryHits).hasValue(2);
  }

  @Test
  void unreadableDirectoryFallsBackToLifetimeRuleWithoutReplaces() {
    directoryBody = null;
    RenewalTiming timing = PlannedRenewalTiming.builder(store).renewalInfo(sources()).create();

    RenewalTiming.Decision d = timing.decide(spec("acme", Map.of()), current, LineageState.empty(), clock.instant());

    assertThat(d.due()).isFalse();
    assertThat(d.renewAt()).isEqualTo(leaf.notAfter().minus(Duration.ofDays(30)));
    assertThat(d.replaces()).isEmpty();
    assertThat(d.state().extra().get(RenewalPlanner.ARI_ERROR)).contains("HTTP 500");
  }

  @Test
  void renewBeforeFromSpecOptionsAndBadValuesNamed() {
    RenewalTiming timing = PlannedRenewalTiming.builder(store).create();

    RenewalTiming.Decision d = timing.decide(spec("imported", Map.of("renewBefore", "7d")), current,
        LineageState.empty(), clock.instant());

    assertThat(d.renewAt()).isEqualTo(leaf.notAfter().minus(Duration.ofDays(7)));
    assertThat(d.nextCheck()).isEqualTo(d.renewAt());
    assertThatThrownBy(() -> timing.decide(spec("local", Map.of("renewBefore", "soon")), current, LineageState.empty(),
        clock.instant())).hasMessageContaining("renewBefore 'soon'");
  }
}
