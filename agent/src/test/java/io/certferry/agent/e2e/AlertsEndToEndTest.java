package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's alerting path as configured in YAML: a target that fails for a while then recovers,
 * and an imported certificate crossing its alert levels, told to a webhook (MockWebServer) once each.
 */
class AlertsEndToEndTest {
  @TempDir
  Path tmp;

  @Test
  void failingTargetAndExpiringImportAlertOnceAndClearOnce() throws Exception {
    try (MockWebServer hook = new MockWebServer()) {
      hook.start(InetAddress.getLoopbackAddress(), 0);
      for (int i = 0; i < 20; i++) {
        hook.enqueue(new MockResponse.Builder().code(200).build());
      }
      Path blocked = tmp.resolve("blocked");
      Files.writeString(blocked, "a file where the target's folder should be");
      Path cfg = tmp.resolve("agent.yaml");
      Files.writeString(cfg, String.join("\n",
          "store: " + tmp.resolve("store"),
          "alerts: {failureThreshold: 1h}",
          "notifications:",
          "  - {type: webhook, url: '${env:HOOK_URL}', attempts: 1}",
          "certificates:",
          "  - name: www",
          "    domains: [www.alerts.test]",
          "    issuer: {type: local}",
          "    targets:",
          "      - {id: files, type: directory, path: " + blocked.resolve("www") + "}",
          "  - name: shop",
          "    domains: [shop.alerts.test]",
          "    issuer: {type: imported}",
          ""));
      Secrets secrets = ReferenceSecrets.withEnvironment(Map.of("HOOK_URL", hook.url("/hook/T1/secret").toString()));
      ConfigLoader loader = ConfigLoader.withInstalledProviders(secrets);
      AgentConfig c = loader.load(cfg);
      Files.createDirectories(c.store());
      FileStore store = FileStore.open(c.store());
      MutableClock clock = new MutableClock(Instant.now());
      Instant t0 = clock.instant();
      store.addVersion("shop", TestPki.root("Sectigo-like CA").leaf(List.of("shop.alerts.test"), KeyType.EC_P256,
          t0.minus(Duration.ofDays(330)), t0.plus(Duration.ofDays(35))), "imported", Map.of());

      List<String> events = new ArrayList<>();
      try (CertManager m = AgentAssembly.build(c, store, Environment.system().withClock(clock).withSecrets(secrets), List.of(), line -> { })) {
        ReconcileReport r = m.reconcile();
        assertThat(r.certificates().get(0).targets().get(0).state()).isEqualTo("failed");
        assertThat(hook.getRequestCount()).isZero(); // a failure younger than the threshold is not alerted

        clock.advance(Duration.ofMinutes(70));
        m.reconcile();
        m.reconcile();
        events.addAll(take(hook));
        assertThat(events).containsExactly("deploy-failed www files");

        clock.advance(Duration.ofDays(5)); // shop now has 30 days left; the failure still lasts: a reminder
        m.reconcile();
        m.reconcile();
        events.addAll(take(hook));
        assertThat(events).containsExactlyInAnyOrder("deploy-failed www files", "deploy-failed www files",
            "expiring shop -");

        Files.delete(blocked); // the operator fixes the target
        clock.advance(Duration.ofHours(7)); // past the capped backoff
        ReconcileReport fixed = m.reconcile();
        m.reconcile();
        events.addAll(take(hook));
        assertThat(fixed.certificates().get(0).targets().get(0).state()).isEqualTo("in-sync");
        assertThat(events).hasSize(4).endsWith("recovered www files");

        clock.advance(Duration.ofDays(17)); // 13 days left: the next level, once
        m.reconcile();
        m.reconcile();
        events.addAll(take(hook));
        assertThat(events).endsWith("expiring shop -").hasSize(5);
      }
    }
  }

  private static List<String> take(MockWebServer hook) throws Exception {
    List<String> out = new ArrayList<>();
    RecordedRequest r;
    while ((r = hook.takeRequest(200, TimeUnit.MILLISECONDS)) != null) {
      assertThat(r.getUrl().encodedPath()).isEqualTo("/hook/T1/secret");
      JsonNode b = new ObjectMapper().readTree(r.getBody().utf8());
      assertThat(b.get("text").asText()).isNotBlank();
      out.add(b.get("event").asText() + " " + b.get("certificate").asText() + " " + b.path("target").asText("-"));
    }
    return out;
  }
}
