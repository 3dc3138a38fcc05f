package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.testing.TlsTestServer;
import io.certferry.core.x509.KeyType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code watch:} in the agent: checked, validated at line:column, and shown by run --once, list, /status and /metrics. */
class WatchEndpointsTest {
  static final Instant ISSUED = Instant.parse("2026-10-01T00:00:00Z");
  @TempDir
  Path tmp;
  TlsTestServer statusPage;
  final MutableClock clock = new MutableClock(ISSUED.plus(Duration.ofDays(10)));

  @BeforeEach
  void start() throws Exception {
    CertificateBundle served = TestPki.root("Hosted CA").leaf(List.of("status.example.org"), KeyType.EC_P256, ISSUED,
        ISSUED.plus(Duration.ofDays(90)));
    statusPage = TlsTestServer.serving(served);
  }

  @AfterEach
  void stop() throws Exception {
    statusPage.close();
  }

  record Result(int code, String out, String err) {}

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine(Environment.system().withClock(clock));
    int code = cli.setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  Path config(String... watch) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [www.localhost]",
        "    issuer: {type: local}",
        "watch:",
        String.join("\n", watch),
        ""));
    return cfg;
  }

  @Test
  void runOnceChecksTheEndpointAndEveryDoorShowsItAsWatched() throws Exception {
    Path cfg = config("  - {host: 127.0.0.1, port: " + statusPage.port() + ", serverName: status.example.org, name: status}");

    Result once = run("run", "--once", "--config", cfg.toString());

    assertThat(once.code()).as(once.err()).isZero();
    assertThat(once.out()).containsPattern("status +valid +2026-12-30 00:00 +80  watched, not managed");
    Result list = run("list", "--json", "--store", tmp.resolve("store").toString());
    assertThat(list.out()).contains("\"name\" : \"status\"", "\"source\" : \"watched\"", "\"daysLeft\" : 80");
    Result show = run("show", "status", "--store", tmp.resolve("store").toString());
    assertThat(show.code()).as(show.err()).isZero();
  }

  @Test
  void metricsCarryTheSameSeriesAndAWatchedSource() throws Exception {
    AgentConfig c = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of())).load(
        config("  - {host: 127.0.0.1, port: " + statusPage.port() + ", serverName: status.example.org, name: status}"));
    AgentMetrics metrics = new AgentMetrics(c);
    assertThat(metrics.scrape()).contains("certferry_certificate_ready_status{certificate=\"status\",condition=\"Unknown\"} 1");
    FileStore store = FileStore.open(Files.createDirectories(tmp.resolve("store")));
    try (CertManager m = AgentAssembly.build(c, store, Environment.system().withClock(clock), List.<Notifier>of(metrics),
        line -> { })) {
      ReconcileReport r = m.reconcile();
      metrics.update(r);
      assertThat(m.status()).extracting(s -> s.name() + "/" + s.source()).contains("status/watched");
    }
    String text = metrics.scrape();
    assertThat(text).contains("certferry_certificate_info{certificate=\"status\",source=\"watched\"} 1",
        "certferry_certificate_time_left_seconds{certificate=\"status\"} 6912000",
        "certferry_certificate_state{certificate=\"status\",state=\"valid\"} 1",
        "certferry_certificate_ready_status{certificate=\"status\",condition=\"True\"} 1");
    assertThat(text).containsPattern("certferry_certificate_expiration_timestamp_seconds\\{certificate=\"status\"} 1\\.798[0-9.E]+");
  }

  @Test
  void badEntriesAreReportedAtTheirLineAndColumnAndNothingStarts() throws Exception {
    Path cfg = config(
        "  - {host: 127.0.0.1, port: 70000}",                  // line 8: port out of range
        "  - {port: 443}",                                     // line 9: host missing
        "  - {host: status.example.org, serverName: '*.x.org'}", // line 10: wildcard SNI
        "  - {host: www.example.org, name: www}",              // line 11: name of a certificate
        "  - {host: a.example.org, colour: blue}");            // line 12: unknown key

    Result r = run("check-config", "--config", cfg.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(
        cfg + ":8:29: watch[0].port: expected a whole number from 1 to 65535, got '70000'",
        cfg + ":9:5: watch[1]: host is missing",
        cfg + ":10:44: watch[2].serverName: '*.x.org' is not a host name to ask for by SNI",
        cfg + ":11:35: watch[3].name: the name 'www' is used by a certificate or another endpoint",
        cfg + ":12:27: watch[4].colour: unknown key 'colour'",
        "5 problem(s) in " + cfg);
    assertThat(tmp.resolve("store")).doesNotExist();
  }
}
