package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.internal.Issuance;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.Http01StandaloneSolver;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARI (RFC 9773) against the real thing, pebble-ari with real http-01 validation, through every door:
 * the window read from renewalInfo and the renewal inside it with {@code replaces}; the window moved
 * into the past through the management call and the agent renewing at once; a malformed answer that
 * leaves the lifetime rule in charge; the CA's explanation reaching a webhook and the status; and a
 * second replacement of one certificate, refused with {@code alreadyReplaced}, settled by adopting the
 * first replacement or by one order without {@code replaces}, never by a loop of orders.
 */
class AriRenewalEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PebbleServer pebble;

  @TempDir
  Path tmp;

  private final MutableClock clock = new MutableClock(Instant.now());
  private String hookUrl = "http://127.0.0.1:9/unused";

  @BeforeAll
  static void start() {
    pebble = PebbleServer.builder().ari().start();
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
  }

  private Result certferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = Environment.system().withClock(clock)
        .withSecrets(ReferenceSecrets.withEnvironment(Map.of("HOOK_URL", hookUrl)));
    int code = Main.commandLine(env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** {@code certferry issue} of one name into {@code store}, with a profile. */
  private Result issue(Path store, String name, String domain, String profile) {
    return certferry("--store", store.toString(), "issue", "--name", name, "--domain", domain,
        "--server", pebble.directoryUrl().toString(), "--server-ca", pebble.serverCaFile().toString(), "--agree-tos",
        "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort()), "--profile", profile);
  }

  /** An agent config for one certificate in {@code store}; {@code extra} are more issuer lines. */
  private Path config(Path store, String name, String domain, String profile, String... extra) throws IOException {
    List<String> lines = new ArrayList<>(List.of(
        "store: " + store,
        "http: {enabled: false}",
        "notifications:",
        "  - {type: webhook, url: '${env:HOOK_URL}', attempts: 1}",
        "certificates:",
        "  - name: " + name,
        "    domains: [" + domain + "]",
        "    issuer:",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      profile: " + profile,
        "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}"));
    for (String e : extra) {
      lines.add("      " + e);
    }
    lines.addAll(List.of("    targets:", "      - {id: files, type: directory, path: " + store.resolveSibling(name + "-out") + "}", ""));
    Path cfg = store.resolveSibling(name + "-" + store.getFileName() + ".yaml");
    Files.writeString(cfg, String.join("\n", lines));
    return cfg;
  }

  /** The CA's answer for {@code leaf}'s renewalInfo from now on: a window of the given bounds, maybe explained. */
  private static void window(FileStore store, String name, int version, Instant start, Instant end, String explanation) {
    pebble.setRenewalInfo(store.load(name, version).leaf(), "{\"suggestedWindow\": {\"start\": \""
        + start.truncatedTo(ChronoUnit.SECONDS) + "\", \"end\": \"" + end.truncatedTo(ChronoUnit.SECONDS) + "\"}"
        + (explanation == null ? "" : ", \"explanationURL\": \"" + explanation + "\"") + "}");
  }

  /** Past the CA's Retry-After: the next pass asks for the window again. */
  private void pastNextPoll(FileStore store, String name) {
    clock.set(later(clock.instant(), store.state(name).ari().nextPoll().plusSeconds(60)));
  }

  private static Instant later(Instant a, Instant b) { return a.isAfter(b) ? a : b; }

  @Test
  void issuedByTheCliRenewedByTheAgentWithReplacesWhenTheCaMovesTheWindow() throws Exception {
    Path store = tmp.resolve("store");
    Result issued = issue(store, "web", "web.example.com", "default");
    assertThat(issued.code()).as(issued + pebble.logs()).isZero();

    FileStore files = FileStore.open(store);
    StoredVersion v1 = files.current("web").orElseThrow();
    String certId = v1.details().get(RenewalPlanner.ARI_CERT_ID);
    assertThat(certId).as("a version made by certferry issue keeps its ARI id").isNotBlank();
    LineageState.Ari window = files.state("web").ari();
    assertThat(window).as("the pass that issued it asked the CA for its window").isNotNull();
    assertThat(window.certId()).isEqualTo(certId);
    assertThat(window.windowStart()).isAfter(v1.notBefore());
    assertThat(files.state("web").plan().rule()).isEqualTo("ari");

    Path config = config(store, "web", "web.example.com", "default");
    Result quiet = certferry("run", "--once", "--config", config.toString());
    assertThat(quiet.code()).as(quiet.toString()).isZero();
    assertThat(files.versions("web")).hasSize(1);
    long ordersBefore = pebble.ordersPlaced();

    Instant now = Instant.now();
    window(files, "web", 1, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), "https://ca.example/incident/7");
    // The CA said to ask again after its Retry-After (6 h): the agent does, and finds the window moved.
    pastNextPoll(files, "web");
    Result renewed = certferry("run", "--once", "--config", config.toString());

    assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
    assertThat(files.versions("web")).hasSize(2);
    StoredVersion v2 = files.current("web").orElseThrow();
    assertThat(v2.sha256()).isNotEqualTo(v1.sha256());
    assertThat(pebble.ordersPlaced()).as("exactly one order for the renewal").isEqualTo(ordersBefore + 1);
    assertThat(v2.details()).as("the order named v1 in replaces").containsEntry(AcmeIssuer.REPLACES, certId);
    // The new version has its own ARI id, and the CA's window for it.
    assertThat(v2.details().get(RenewalPlanner.ARI_CERT_ID)).isNotEqualTo(certId);
    assertThat(files.state("web").ari().certId()).isEqualTo(v2.details().get(RenewalPlanner.ARI_CERT_ID));
    // The CA now refuses a second replacement of v1, and says so.
    try (AcmeIssuer again = AcmeIssuer.builder().directory(pebble.directoryUrl()).agreeToTermsOfService(true)
        .serverCa(CertificateReader.read(pebble.serverCaFile())).store(files)
        .solver(new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", pebble.httpPort()))).build()) {
      IssueRequest second = new IssueRequest("web", List.of("web.example.com"), KeyType.EC_P256, Optional.empty(),
          Optional.of(certId), Optional.of("default"), Optional.empty(), null);
      assertThatThrownBy(() -> again.issue(second)).isInstanceOf(IssueException.class)
          .hasMessageContaining("alreadyReplaced").hasMessageContaining("serial " + v2.serial());
    }
    assertThat(Files.readString(store.resolveSibling("web-out").resolve("cert.pem"))).isNotBlank();
  }

  @Test
  void theWindowTheCaGivesDecidesAndTheRenewalFallsInsideIt() throws Exception {
    Path store = tmp.resolve("store");
    assertThat(issue(store, "win", "win.example.com", "default").code()).isZero();
    FileStore files = FileStore.open(store);
    StoredVersion v1 = files.current("win").orElseThrow();
    LineageState.Ari ari = files.state("win").ari();
    // pebble-ari's own window for a 90-day certificate, as its renewalInfo answers it
    assertThat(ari.windowStart()).isAfter(v1.notBefore());
    assertThat(ari.windowEnd()).isBefore(v1.notAfter()).isAfter(ari.windowStart());
    assertThat(ari.renewAt()).isBetween(ari.windowStart(), ari.windowEnd());
    assertThat(files.state("win").plan().renewAt()).isEqualTo(ari.renewAt());
    Path config = config(store, "win", "win.example.com", "default");

    // The CA moves the window to next week (Pebble dates certificates by the real clock, so the agent's clock
    // stays near it; not so near that the move is an emergency): the agent holds off until the instant it
    // picks inside the window, then renews.
    pastNextPoll(files, "win");
    Instant now = clock.instant();
    window(files, "win", 1, now.plus(Duration.ofDays(6)), now.plus(Duration.ofDays(7)), null);
    Result moved = certferry("run", "--once", "--config", config.toString());
    assertThat(moved.code()).as(moved.toString()).isZero();
    LineageState.Ari near = files.state("win").ari();
    assertThat(near.renewAt()).isBetween(now.plus(Duration.ofDays(6)).minusSeconds(1), now.plus(Duration.ofDays(7)));
    assertThat(files.versions("win")).as("the window is still ahead").hasSize(1);

    clock.set(near.renewAt().minusSeconds(60));
    Result before = certferry("run", "--once", "--config", config.toString());
    assertThat(before.code()).as(before.toString()).isZero();
    assertThat(files.versions("win")).as("not before the instant chosen inside the window").hasSize(1);

    clock.set(near.renewAt().plusSeconds(60));
    Result inside = certferry("run", "--once", "--config", config.toString());

    assertThat(inside.code()).as(inside + pebble.logs()).isZero();
    assertThat(files.versions("win")).hasSize(2);
    assertThat(files.current("win").orElseThrow().details())
        .containsEntry(AcmeIssuer.REPLACES, v1.details().get(RenewalPlanner.ARI_CERT_ID))
        .containsEntry(AcmeIssuer.PROFILE, "default");
  }

  @Test
  void aMalformedAnswerIsAClearErrorAndTheLifetimeRuleKeepsWorking() throws Exception {
    Path store = tmp.resolve("store");
    assertThat(issue(store, "short", "short.example.com", "shortlived").code()).isZero();
    FileStore files = FileStore.open(store);
    StoredVersion v1 = files.current("short").orElseThrow();
    assertThat(Duration.between(v1.notBefore(), v1.notAfter())).as("the shortlived profile: 6 days")
        .isBetween(Duration.ofDays(6).minusMinutes(5), Duration.ofDays(6).plusMinutes(5));
    pebble.setRenewalInfo(files.load("short", 1).leaf(), "{\"suggestedWindow\": {\"start\": \"soon\"");
    // As a store restored without its state would be: no window known for the version yet.
    files.saveState("short", files.state("short").withAri(null));
    Path config = config(store, "short", "short.example.com", "shortlived");

    Result pass = certferry("run", "--once", "--config", config.toString());
    assertThat(pass.code()).as(pass.toString()).isZero();
    JsonNode status = JSON.readTree(certferry("list", "--json", "--store", store.toString()).out()).get(0);

    assertThat(status.path("renewReason").asText()).contains("ARI unavailable (")
        .contains("/renewalInfo/" + v1.details().get(RenewalPlanner.ARI_CERT_ID) + " answered malformed JSON (line 1, column");
    Instant halfLife = v1.notBefore().plus(Duration.between(v1.notBefore(), v1.notAfter()).dividedBy(2));
    assertThat(Instant.parse(status.path("renewAt").asText())).as("under 10 days: renewed at half its life")
        .isEqualTo(halfLife);
    assertThat(files.state("short").ari().error()).contains("malformed JSON");

    clock.set(halfLife.plusSeconds(60));
    Result renewed = certferry("run", "--once", "--config", config.toString());

    assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
    assertThat(files.versions("short")).hasSize(2);
    assertThat(files.current("short").orElseThrow().details()).as("no ARI answer, so no replaces")
        .doesNotContainKey(AcmeIssuer.REPLACES);
  }

  @Test
  void theCasExplanationReachesTheWebhookAndTheStatus() throws Exception {
    try (MockWebServer hook = new MockWebServer()) {
      hook.start(InetAddress.getLoopbackAddress(), 0);
      for (int i = 0; i < 10; i++) {
        hook.enqueue(new MockResponse.Builder().code(200).build());
      }
      hookUrl = hook.url("/hooks/ops").toString();
      Path store = tmp.resolve("store");
      assertThat(issue(store, "why", "why.example.com", "default").code()).isZero();
      FileStore files = FileStore.open(store);
      Instant now = Instant.now();
      window(files, "why", 1, now.plus(Duration.ofDays(20)), now.plus(Duration.ofDays(21)),
          "https://ca.example/incidents/2026-11-30");
      pastNextPoll(files, "why");

      Result pass = certferry("run", "--once", "--config", config(store, "why", "why.example.com", "default").toString());

      assertThat(pass.code()).as(pass.toString()).isZero();
      List<JsonNode> events = new ArrayList<>();
      RecordedRequest r;
      while ((r = hook.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
        events.add(JSON.readTree(r.getBody().utf8()));
      }
      assertThat(events).filteredOn(e -> e.path("event").asText().equals("ari-window-moved")).singleElement()
          .satisfies(e -> {
            assertThat(e.path("details").path("explanationUrl").asText()).isEqualTo("https://ca.example/incidents/2026-11-30");
            assertThat(e.path("text").asText()).contains("https://ca.example/incidents/2026-11-30");
          });
      JsonNode status = JSON.readTree(certferry("list", "--json", "--store", store.toString()).out()).get(0);
      assertThat(status.path("renewReason").asText()).contains("(explanation: https://ca.example/incidents/2026-11-30)");
      assertThat(Instant.parse(status.path("renewAt").asText())).isBetween(now.plus(Duration.ofDays(20)).minusSeconds(1),
          now.plus(Duration.ofDays(21)));
    }
  }

  @Test
  void aSecondReplacementIsRefusedAndTheFirstIsAdoptedWithoutAnOrder() throws Exception {
    Path store = tmp.resolve("store");
    assertThat(issue(store, "roll", "roll.example.com", "default").code()).isZero();
    FileStore files = FileStore.open(store);
    StoredVersion v1 = files.current("roll").orElseThrow();
    Path config = config(store, "roll", "roll.example.com", "default");
    Instant now = Instant.now();
    window(files, "roll", 1, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), null);
    pastNextPoll(files, "roll");
    Result renewed = certferry("run", "--once", "--config", config.toString());
    assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
    StoredVersion v2 = files.current("roll").orElseThrow();
    assertThat(v2.details()).containsEntry(AcmeIssuer.REPLACES, v1.details().get(RenewalPlanner.ARI_CERT_ID));

    // The operator rolls back to v1 (the store's rollback adds it again as a new version); v1 is still due.
    files.addVersion("roll", files.load("roll", 1), v1.source(), v1.details());
    long orders = pebble.ordersPlaced();
    Result adopted = certferry("run", "--once", "--config", config.toString());

    assertThat(adopted.code()).as(adopted + pebble.logs()).isZero();
    assertThat(files.versions("roll")).hasSize(4);
    StoredVersion v4 = files.current("roll").orElseThrow();
    assertThat(v4.sha256()).as("the CA's first replacement, adopted").isEqualTo(v2.sha256());
    assertThat(v4.details()).containsEntry(Issuance.ADOPTED_FROM, "2");
    assertThat(pebble.ordersPlaced()).as("one refused newOrder, no order placed again").isEqualTo(orders + 1);

    Result settled = certferry("run", "--once", "--config", config.toString());
    assertThat(settled.code()).as(settled.toString()).isZero();
    assertThat(pebble.ordersPlaced()).as("and no loop").isEqualTo(orders + 1);
    assertThat(files.versions("roll")).hasSize(4);
  }

  @Test
  void aStoreRestoredFromABackupAdoptsTheReplacementForItsKeyOrOrdersOnceWithoutReplaces() throws Exception {
    Path store = tmp.resolve("store");
    assertThat(issue(store, "bak", "bak.example.com", "default").code()).isZero();
    Path backup = copy(store, tmp.resolve("backup"));
    Path backupWithKey = copy(store, tmp.resolve("backup-reusing-the-key"));
    FileStore files = FileStore.open(store);
    StoredVersion v1 = files.current("bak").orElseThrow();
    Instant now = Instant.now();
    window(files, "bak", 1, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)), null);
    pastNextPoll(files, "bak");
    // This installation renews with the same key; then its store is lost and both backups come back.
    Result renewed = certferry("run", "--once", "--config", config(store, "bak", "bak.example.com", "default",
        "reuseKey: true").toString());
    assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
    StoredVersion replacement = files.current("bak").orElseThrow();

    long orders = pebble.ordersPlaced();
    Result fresh = certferry("run", "--once", "--config", config(backup, "bak", "bak.example.com", "default").toString());
    assertThat(fresh.code()).as(fresh + pebble.logs()).isZero();
    FileStore restored = FileStore.open(backup);
    StoredVersion ordered = restored.current("bak").orElseThrow();
    assertThat(ordered.sha256()).as("its key is not in this store: a new certificate").isNotEqualTo(replacement.sha256())
        .isNotEqualTo(v1.sha256());
    assertThat(ordered.details()).doesNotContainKey(AcmeIssuer.REPLACES);
    assertThat(pebble.ordersPlaced()).as("the refused order, then one without replaces").isEqualTo(orders + 2);

    Result kept = certferry("run", "--once", "--config", config(backupWithKey, "bak", "bak.example.com", "default",
        "reuseKey: true").toString());
    assertThat(kept.code()).as(kept + pebble.logs()).isZero();
    StoredVersion adopted = FileStore.open(backupWithKey).current("bak").orElseThrow();
    assertThat(adopted.sha256()).as("issued for the key this store holds: adopted from the CA").isEqualTo(replacement.sha256());
    assertThat(adopted.details()).containsEntry(AcmeIssuer.ADOPTED, "true");
    assertThat(pebble.ordersPlaced()).as("only the refused order").isEqualTo(orders + 3);
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      all.forEach(p -> {
        try {
          Path target = to.resolve(from.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
    return to;
  }
}
