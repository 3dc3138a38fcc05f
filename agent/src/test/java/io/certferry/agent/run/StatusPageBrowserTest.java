package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.store.WatchRecord;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.RequiredTools;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;
import io.certferry.core.x509.PemWriter;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page at {@code /} in a real browser: Debian's headless Chromium renders it from a seeded store
 * (a good certificate with one failing target, one expiring, one expired, one waiting for its certificate, a
 * watched endpoint), a 1280x800 screenshot is kept under {@code target/status-page/} and the rendered DOM is
 * asserted on: the rows and states, the timeline's marks, the events, nothing loaded from elsewhere, no script, and
 * neither a private key nor a secret seeded into the store anywhere on the page.
 */
class StatusPageBrowserTest {
  static final String CHROMIUM = "/usr/bin/chromium";
  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  static final String PASSWORD = "correct horse battery staple";
  /** A token as it would sit in the store if something wrote a resolved secret there: the page must not show it. */
  static final String SEEDED_TOKEN = "dop_v1_5eeded0ffcafe5ecret";
  static final TestPki.Ca CA = TestPki.root("Status Page Test CA");

  @TempDir Path tmp;
  FileStore store;
  final MutableClock clock = new MutableClock(NOW);
  final RecentEvents events = new RecentEvents();
  final List<AgentHttpServer> servers = new ArrayList<>();
  /** www's private key in PEM, which the store holds and the page must never show. */
  String wwwKeyPem;

  @BeforeEach
  void seed() {
    store = FileStore.open(tmp.resolve("store"));
    StoredVersion www = version("www", List.of("social.example.org"), NOW.minus(Duration.ofDays(20)), 90);
    plan("www", www, www.notBefore().plus(Duration.ofDays(60)), "a third of the 90-day lifetime left");
    store.saveDeployments("www", Deployments.empty()
        .with(new TargetDeployment("lb", www.sha256(), NOW.minus(Duration.ofHours(3)), TargetDeployment.Result.IN_SYNC, 0,
            null, null, Map.of()))
        .with(new TargetDeployment("cdn", www.sha256(), NOW.minus(Duration.ofMinutes(30)), TargetDeployment.Result.FAILED, 2,
            NOW.plus(Duration.ofMinutes(20)), "DigitalOcean: cannot update CDN endpoint 19f0 (429 too_many_requests)",
            Map.of("previousSha256", ""))));
    StoredVersion media = version("media", List.of("media.example.org"), NOW.minus(Duration.ofDays(85)), 90);
    plan("media", media, media.notBefore().plus(Duration.ofDays(60)), "a third of the 90-day lifetime left");
    version("old", List.of("old.example.org"), NOW.minus(Duration.ofDays(100)), 90);
    store.saveSpec(new LineageSpec("bought", List.of("shop.example.org"), "imported", "ec-p256", Map.of(), List.of()));
    CertificateBundle status = CA.leaf(List.of("status.example.org"), KeyType.EC_P256, NOW.minus(Duration.ofDays(30)),
        NOW.plus(Duration.ofDays(60)));
    store.saveWatchRecord(new WatchRecord("status", "203.0.113.9", 443, "status.example.org", NOW,
        StoredVersion.of(0, status, "watched", NOW, Map.of()), null, Map.of()));
    events.notify(LifecycleEvent.forTarget(LifecycleEvent.Type.DEPLOYED, NOW.minus(Duration.ofHours(3)), "www", "lb",
        "load balancer now uses certificate certferry-www-1f2e"));
    events.notify(LifecycleEvent.forTarget(LifecycleEvent.Type.DEPLOY_FAILED, NOW.minus(Duration.ofMinutes(30)), "www",
        "cdn", "DigitalOcean: cannot update CDN endpoint 19f0 (429 too_many_requests) (attempt 2)"));
    events.notify(LifecycleEvent.of(LifecycleEvent.Type.EXPIRING, NOW.minus(Duration.ofMinutes(5)), "media",
        "media expires in 5 days (2026-12-06) and has not been replaced"));
  }

  @AfterEach
  void stop() {
    servers.forEach(AgentHttpServer::close);
  }

  StoredVersion version(String name, List<String> names, Instant from, int days) {
    CertificateBundle b = CA.leaf(names, KeyType.EC_P256, from, from.plus(Duration.ofDays(days)));
    ObjectNode issuer = JsonNodeFactory.instance.objectNode().put("type", "acme").put("server", "letsencrypt");
    issuer.putObject("eab").put("keyId", "kid-1").put("hmacKey", SEEDED_TOKEN);
    store.saveSpec(new LineageSpec(name, names, "acme", "ec-p256", Map.of("token", SEEDED_TOKEN), List.of(),
        issuer));
    if (name.equals("www")) {
      wwwKeyPem = PemWriter.privateKey(b.privateKey());
    }
    return store.addVersion(name, b, "acme", Map.of("issuer", "https://acme-v02.api.letsencrypt.org/directory"));
  }

  void plan(String name, StoredVersion v, Instant renewAt, String reason) {
    store.saveState(name, LineageState.empty().withPlan(new LineageState.Plan(v.sha256(), renewAt, "lifetime", reason)));
  }

  AgentHttpServer serve(Optional<Map.Entry<String, String>> auth) throws IOException {
    AgentState state = new AgentState(clock);
    state.storeOpened(store);
    AgentHttpServer s = AgentHttpServer.start("127.0.0.1", 0, state, new AgentMetrics(), events, clock, auth);
    servers.add(s);
    return s;
  }

  @Test
  void chromiumRendersEveryCertificateTargetTimelineMarkAndEventWithoutScriptOrOutsideAssets() throws Exception {
    RequiredTools.require(CHROMIUM);
    AgentHttpServer s = serve(Optional.empty());
    String url = "http://127.0.0.1:" + s.port() + "/";
    Path shots = Files.createDirectories(Path.of("target", "status-page"));
    Path png = shots.resolve("status-page.png");
    Files.deleteIfExists(png);

    String html = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    String keyBody = wwwKeyPem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    assertThat(html).doesNotContain(SEEDED_TOKEN).doesNotContain(keyBody).doesNotContain("PRIVATE KEY");
    String dom = chromium("--dump-dom", url);
    assertThat(dom).doesNotContain(SEEDED_TOKEN).doesNotContain(keyBody);
    chromium("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,800", url);

    Document d = Jsoup.parse(dom);
    assertThat(d.title()).isEqualTo("Certferry status");
    assertThat(d.select("tr.cert")).extracting(e -> e.attr("data-name") + "=" + e.attr("data-state"))
        .containsExactly("old=expired", "media=expiring", "status=valid", "www=valid", "bought=pending");
    assertThat(d.select("tr.cert[data-name=status]").attr("data-source")).isEqualTo("watched");
    assertThat(d.select("tr.cert[data-name=status] .badge.watched").text()).isEqualTo("watched");
    Element www = d.selectFirst("tr.cert[data-name=www]");
    assertThat(www.select("td.days-left").text()).isEqualTo("70");
    assertThat(www.text()).contains("Status Page Test CA", "2027-02-09 12:00 UTC", "2027-01-10 12:00 UTC", "a third of the 90-day lifetime left");
    assertThat(d.select("tr.target")).extracting(e -> e.attr("data-target") + "=" + e.attr("data-state"))
        .containsExactly("cdn=failed", "lb=in-sync");
    assertThat(d.selectFirst("tr.target[data-target=cdn]").text()).contains("nothing known", "429 too_many_requests", "next try");
    assertThat(d.selectFirst("tr.target[data-target=lb]").text()).contains("(version 1)", "2027-02-09 12:00 UTC");
    Element svg = d.selectFirst("section#timeline svg");
    assertThat(svg.select("g.row")).hasSize(5);
    assertThat(svg.select("rect.validity")).hasSize(3); // media, status and www are valid inside the 90 days
    assertThat(svg.select("circle.renewal")).hasSize(3);
    assertThat(svg.select("circle.renewal.due")).hasSize(1); // media's renewal is overdue
    assertThat(svg.select("line.expiry")).hasSize(3);
    assertThat(svg.select("line.month")).hasSizeGreaterThanOrEqualTo(2);
    assertThat(d.select("ol.events li.event")).extracting(e -> e.attr("data-type"))
        .containsExactly("EXPIRING", "DEPLOY_FAILED", "DEPLOYED");
    assertThat(d.select("meta[http-equiv=refresh]").attr("content")).isEqualTo("60");
    assertThat(d.select("script")).isEmpty();
    assertThat(d.select("[src], link[href]")).isEmpty();
    assertThat(d.select("a[href]")).allMatch(a -> a.attr("href").startsWith("/"));

    assertThat(png).exists();
    assertThat(pngSize(png)).containsExactly(1280, 800);
  }

  @Test
  void basicAuthGuardsThePageStatusAndMetricsButNotTheProbesAndNeverShowsThePassword() throws Exception {
    AgentHttpServer s = serve(Optional.of(Map.entry("ops", PASSWORD)));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + s.port();
    String good = "Basic " + Base64.getEncoder().encodeToString(("ops:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    String bad = "Basic " + Base64.getEncoder().encodeToString("ops:guess".getBytes(StandardCharsets.UTF_8));

    for (String path : List.of("/", "/status", "/metrics")) {
      HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"certferry\", charset=\"UTF-8\"");
      HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", bad)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      HttpResponse<String> right = http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", good)
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(right.statusCode()).as(path).isEqualTo(200);
      assertThat(right.body()).doesNotContain(PASSWORD);
    }
    for (String probe : List.of("/healthz", "/readyz")) {
      assertThat(http.send(HttpRequest.newBuilder(URI.create(base + probe)).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode()).as(probe).isIn(200, 503);
    }
  }

  /** Runs headless Chromium on its own profile and returns what it printed. */
  String chromium(String... args) throws Exception {
    Path profile = Files.createTempDirectory(tmp, "chromium-");
    List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.err").toFile()).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish within 90 s");
    }
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("chromium.err"))).isZero();
    return out;
  }

  /** Width and height from a PNG's IHDR chunk. */
  static List<Integer> pngSize(Path png) throws IOException {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(png))) {
      in.skipNBytes(16);
      return List.of(in.readInt(), in.readInt());
    }
  }
}
