package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentHttpAndMetricsTest {
  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<String> get(AgentHttpServer s, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void endpointsServeStatusAndParseableMetrics() throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {listen: 127.0.0.1:0}",
        "certificates:",
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
        "      - {id: broken-hook, type: exec, command: 'echo token=should-not-leak >&2; exit 3'}",
        ""));
    ConfigLoader loader = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of()));
    AgentConfig c = loader.load(cfg);
    Files.createDirectories(c.store());
    FileStore store = FileStore.open(c.store());
    AgentMetrics metrics = new AgentMetrics();
    AgentState state = new AgentState();
    try (CertManager m = AgentAssembly.build(c, store, Environment.system()
        .withSecrets(ReferenceSecrets.withEnvironment(Map.of())), List.of(Notifier.LOG, metrics), line -> { });
         AgentHttpServer server = AgentHttpServer.start("127.0.0.1", 0, state, metrics, store, Clock.systemUTC())) {
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);

      ReconcileReport r = m.reconcile();
      state.finished(r);
      metrics.update(r);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(200);

      HttpResponse<String> resp = get(server, "/metrics");
      assertThat(resp.statusCode()).isEqualTo(200);
      assertThat(resp.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      PrometheusText p = PrometheusText.parse(resp.body());
      StoredVersion v = store.current("www").orElseThrow();
      assertThat(p.types).containsEntry("certferry_certificate_expiration_timestamp_seconds", "gauge")
          .containsEntry("certferry_target_in_sync", "gauge").containsEntry("certferry_deploy_total", "counter");
      assertThat(p.value("certferry_certificate_expiration_timestamp_seconds", Map.of("certificate", "www")))
          .contains((double) v.notAfter().getEpochSecond());
      assertThat(p.value("certferry_certificate_renewal_timestamp_seconds", Map.of("certificate", "www")))
          .hasValueSatisfying(x -> assertThat(x).isBetween((double) v.notBefore().getEpochSecond(), (double) v.notAfter().getEpochSecond()));
      assertThat(p.value("certferry_certificate_ready_status", Map.of("certificate", "www", "condition", "True"))).contains(0.0);
      assertThat(p.value("certferry_certificate_ready_status", Map.of("certificate", "www", "condition", "False"))).contains(1.0);
      assertThat(p.value("certferry_certificate_ready_status", Map.of("certificate", "www", "condition", "Unknown"))).contains(0.0);
      assertThat(p.value("certferry_target_in_sync", Map.of("certificate", "www", "target", "files"))).contains(1.0);
      assertThat(p.value("certferry_target_in_sync", Map.of("certificate", "www", "target", "broken-hook"))).contains(0.0);
      assertThat(p.value("certferry_deploy_total", Map.of("certificate", "www", "target", "files", "result", "success"))).contains(1.0);
      assertThat(p.value("certferry_deploy_total", Map.of("certificate", "www", "target", "broken-hook", "result", "failure"))).contains(1.0);
      assertThat(resp.body()).doesNotContain("should-not-leak");

      JsonNode status = new ObjectMapper().readTree(get(server, "/status").body());
      assertThat(status.isArray()).isTrue();
      assertThat(status.get(0).get("name").asText()).isEqualTo("www");
      assertThat(status.get(0).get("sha256").asText()).isEqualTo(v.sha256());
      assertThat(status.get(0).get("state").asText()).isEqualTo("valid");
      assertThat(status.get(0).get("targets").toString()).contains("\"id\":\"files\",\"state\":\"in-sync\"")
          .contains("\"id\":\"broken-hook\",\"state\":\"failed\"");
      assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/status"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
    }
  }

  @Test
  void parserIsStrict() {
    assertThatThrownBy(() -> PrometheusText.parse("x 1\n")).hasMessageContaining("no # TYPE");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=\"1\" 1\n")).hasMessageContaining("unclosed");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx{a=1} 1\n")).hasMessageContaining("malformed labels");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx 1\nx 2\n")).hasMessageContaining("duplicate");
    assertThatThrownBy(() -> PrometheusText.parse("# TYPE x gauge\nx one\n")).isInstanceOf(NumberFormatException.class);
    assertThat(PrometheusText.parse("# TYPE x_total counter\n# TYPE y counter\ny_total{a=\"b\\\"c\"} 2.5\n").value("y_total", Map.of()))
        .contains(2.5);
  }
}
