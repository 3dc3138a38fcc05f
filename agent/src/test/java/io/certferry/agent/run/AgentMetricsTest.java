package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.issue.IssueException;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.RequiredTools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every metric family is there from the start, failed issuances are counted by kind, and promtool accepts the scrape. */
class AgentMetricsTest {
  @TempDir
  Path tmp;

  Process running;

  @AfterEach
  void stopAgent() throws Exception {
    if (running != null && running.isAlive()) {
      running.destroy();
      if (!running.waitFor(60, TimeUnit.SECONDS)) {
        running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** {@code www} (local CA) with one target, and with {@code acme} also {@code shop} (Let's Encrypt, never contacted here). */
  Path config(String name, String listen, boolean acme) throws Exception {
    List<String> lines = new ArrayList<>(List.of(
        "store: " + tmp.resolve("store"),
        "http: {listen: '" + listen + "'}",
        "certificates:",
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}"));
    if (acme) {
      lines.addAll(List.of(
          "  - name: shop",
          "    domains: [shop.example.test]",
          "    issuer: {type: acme, server: letsencrypt, agreeTos: true}",
          "    targets:",
          "      - {id: shop-files, type: directory, path: " + tmp.resolve("shop") + "}"));
    }
    return Files.writeString(tmp.resolve(name), String.join("\n", lines) + "\n");
  }

  AgentConfig load(Path cfg) throws Exception {
    return ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of())).load(cfg);
  }

  @Test
  void everyCounterSeriesOfTheConfigIsThereAtZeroBeforeAnythingHappens() throws Exception {
    PrometheusText p = PrometheusText.parse(new AgentMetrics(load(config("agent.yaml", "127.0.0.1:0", true))).scrape());
    assertThat(p.types).containsEntry("certferry_deploy_total", "counter").containsEntry("certferry_acme_requests_total", "counter")
        .containsEntry("certferry_certificate_ready_status", "gauge");
    for (String[] target : new String[][] {{"www", "files"}, {"shop", "shop-files"}}) {
      for (String result : List.of("success", "failure")) {
        assertThat(p.value("certferry_deploy_total", Map.of("certificate", target[0], "target", target[1], "result", result)))
            .as(target[1] + " " + result).contains(0.0);
      }
    }
    for (String result : List.of("success", "rate-limited", "validation-failed", "ca-unreachable", "ca-rejected", "local-error")) {
      assertThat(p.value("certferry_acme_requests_total", Map.of("certificate", "shop", "result", result))).as(result).contains(0.0);
    }
    // Only ACME certificates place ACME orders.
    assertThat(p.samples).noneMatch(s -> s.name().equals("certferry_acme_requests_total") && s.labels().get("certificate").equals("www"));
    // Not judged yet: cert-manager's Unknown condition.
    assertThat(p.value("certferry_certificate_ready_status", Map.of("certificate", "www", "condition", "Unknown"))).contains(1.0);
    assertThat(p.value("certferry_certificate_ready_status", Map.of("certificate", "www", "condition", "False"))).contains(0.0);
  }

  @Test
  void aRestartedAgentWithNothingToDoStillServesTheCounters() throws Exception {
    Path local = config("local.yaml", "127.0.0.1:0", false);
    StringWriter err = new StringWriter();
    assertThat(Main.commandLine(Environment.system()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("run", "--once", "--config", local.toString())).as(err.toString()).isZero();

    int port = freePort();
    Path cfg = config("restart.yaml", "127.0.0.1:" + port, false);
    Path log = tmp.resolve("agent.log");
    running = AgentProcess.start(tmp, log, "run", "--config", cfg.toString());
    HttpClient http = HttpClient.newHttpClient();
    AtomicReference<String> scrape = new AtomicReference<>("");
    // Everything is in sync: the pass deploys and orders nothing, so no event ever creates a counter.
    boolean judged = AgentProcess.await(() -> {
      try {
        scrape.set(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body());
        return scrape.get().contains("certferry_certificate_ready_status{certificate=\"www\",condition=\"True\"} 1");
      } catch (IOException e) {
        return false; // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }, Duration.ofSeconds(90));
    assertThat(judged).as(AgentProcess.log(log) + scrape.get()).isTrue();
    PrometheusText p = PrometheusText.parse(scrape.get());
    assertThat(p.value("certferry_deploy_total", Map.of("certificate", "www", "target", "files", "result", "success"))).contains(0.0);
    assertThat(p.value("certferry_deploy_total", Map.of("certificate", "www", "target", "files", "result", "failure"))).contains(0.0);
  }

  static LifecycleEvent failed(LifecycleEvent.Type type, Map<String, String> details) {
    return new LifecycleEvent(type, Instant.EPOCH, "shop", Optional.empty(), "no", details);
  }

  @Test
  void aFailedIssuanceIsCountedByTheKindTheEventNames() throws Exception {
    AgentMetrics m = new AgentMetrics(load(config("agent.yaml", "127.0.0.1:0", true)));
    // A DNS provider's 401 during dns-01 is our side, not a rate limit (it used to count as rate-limited).
    m.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme", "result", IssueException.Kind.LOCAL.label())));
    m.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme", "result", "validation-failed")));
    m.notify(failed(LifecycleEvent.Type.RATE_LIMITED, Map.of("source", "acme", "result", "rate-limited")));
    // Without a result, the event type decides, as before.
    m.notify(failed(LifecycleEvent.Type.RATE_LIMITED, Map.of("source", "acme")));
    m.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme")));
    // An alert repeats an event already counted; a result that is no kind is not a new series.
    m.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme", "result", "local-error", "alert", "failure")));
    m.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme", "result", "token=abc")));
    PrometheusText p = PrometheusText.parse(m.scrape());
    Map<String, Double> expected = Map.of("local-error", 1.0, "validation-failed", 1.0, "rate-limited", 2.0,
        "failure", 2.0, "ca-unreachable", 0.0, "ca-rejected", 0.0, "success", 0.0);
    expected.forEach((result, n) -> assertThat(p.value("certferry_acme_requests_total",
        Map.of("certificate", "shop", "result", result))).as(result).contains(n));
    assertThat(m.scrape()).doesNotContain("token=abc");
  }

  @Test
  void theIssuerOfTheCurrentVersionIsTheSeriesAtOne() {
    AgentMetrics m = new AgentMetrics();
    m.update(report(version("https://acme-v02.api.letsencrypt.org/directory")));
    m.update(report(version("https://acme.zerossl.com/v2/DV90"))); // the fallback made the next one
    PrometheusText p = PrometheusText.parse(m.scrape());
    assertThat(p.value("certferry_certificate_issuer",
        Map.of("certificate", "www", "issuer", "https://acme.zerossl.com/v2/DV90"))).contains(1.0);
    assertThat(p.value("certferry_certificate_issuer",
        Map.of("certificate", "www", "issuer", "https://acme-v02.api.letsencrypt.org/directory"))).contains(0.0);
  }

  private static StoredVersion version(String issuer) {
    Instant t = Instant.parse("2026-12-01T00:00:00Z");
    return new StoredVersion(1, "acme", List.of("www.example.test"), t, t.plus(Duration.ofDays(90)), "01", "ab",
        "CN=R13", "ec-p256", t, Map.of("issuer", issuer));
  }

  private static ReconcileReport report(StoredVersion v) {
    CertificateStatus s = new CertificateStatus("www", "acme", v.domains(), Optional.of(v), "valid", Optional.of(89L),
        Optional.empty(), Optional.empty(), true, List.of(), Optional.empty());
    return new ReconcileReport(v.notBefore(), v.notBefore(), List.of(s), v.notBefore().plus(Duration.ofHours(12)));
  }

  @Test
  void promtoolAcceptsTheScrape() throws Exception {
    Path promtool = RequiredTools.require("promtool");
    AgentConfig c = load(config("agent.yaml", "127.0.0.1:0", true));
    Files.createDirectories(c.store());
    AgentMetrics metrics = new AgentMetrics(c);
    // A pass over the local certificate fills the gauges; the ACME one would contact Let's Encrypt.
    AgentConfig localOnly = load(config("local.yaml", "127.0.0.1:0", false));
    try (CertManager m = AgentAssembly.build(localOnly, FileStore.open(c.store()),
        Environment.system().withSecrets(ReferenceSecrets.withEnvironment(Map.of())), List.<Notifier>of(metrics), line -> { })) {
      ReconcileReport r = m.reconcile();
      metrics.update(r);
    }
    metrics.notify(failed(LifecycleEvent.Type.RENEWAL_FAILED, Map.of("source", "acme", "result", "ca-unreachable")));
    String scrape = metrics.scrape();
    assertThat(scrape).contains("certferry_certificate_expiration_timestamp_seconds", "certferry_target_in_sync",
        "certferry_certificate_issuer{certificate=\"www\",issuer=\"local\"} 1.0",
        "certferry_deploy_total", "certferry_acme_requests_total");

    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = check.getOutputStream()) {
      in.write(scrape.getBytes(StandardCharsets.UTF_8));
    }
    String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as(said + "\n" + scrape).isZero();
    assertThat(said).as(scrape).isBlank();
  }
}
