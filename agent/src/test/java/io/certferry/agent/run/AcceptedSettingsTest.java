package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.store.FileStore;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A value {@code check-config} accepts never fails at run time: every accepted form of every
 * {@code schedule}, {@code http} and {@code alerts} setting goes through check-config and then
 * through the code the agent builds from it (the manager, one pass of the loop with a failing target
 * so failure alerts are weighed, {@code certferry deploy}, the listener). A value it rejects is
 * rejected with exit 2 and a located message, never a crash.
 */
class AcceptedSettingsTest {
  /** Every form {@code Durations} reads, from a millisecond up to the largest values a long holds. */
  static final List<String> DURATIONS = List.of("1ms", "500ms", "1s", "45s", "3600s", "1m", "90m", "1h", "12h", "24h",
      "1h30m", "2d12h", "1w2d3h4m5s6ms", "1d", "30d", "2w", "365d", "366d", "52w", " 12H ", "12 h", "12h 30m", "PT1H30M",
      "pt12h", "PT0.5S", "P1DT2H", "P30D", "P365D", "9999999999999w", "P999999999D", "99999999999999999d",
      "99999999999999999999999s");
  /** Forms every duration setting must take: the grammar is one, whatever the setting. */
  static final List<String> ALWAYS_ACCEPTED = List.of("1s", "45s", "3600s", "90m", "12h", "1h30m", " 12H ", "12 h",
      "PT1H30M", "pt12h");
  /** Less than a second: a wait or a threshold may be that short, a deploy cannot (every one would time out). */
  static final List<String> SUB_SECOND = List.of("1ms", "500ms", "PT0.5S");

  @TempDir
  Path tmp;

  final Secrets secrets = ReferenceSecrets.withEnvironment(Map.of());
  final AtomicInteger n = new AtomicInteger();

  record Checked(int code, String err, Path file) {}

  /** A config whose one certificate has a good target and a failing one, with {@code section} added. */
  Checked checkConfig(String section) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("c" + n.incrementAndGet()));
    Path cfg = Files.writeString(dir.resolve("agent.yaml"), String.join("\n",
        "store: " + dir.resolve("store"),
        section,
        "certificates:",
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + dir.resolve("out") + "}",
        "      - {id: broken, type: exec, command: 'exit 3'}",
        ""));
    StringWriter err = new StringWriter();
    int code = Main.commandLine(Environment.system()).setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
        .execute("check-config", "--config", cfg.toString());
    return new Checked(code, err.toString(), cfg);
  }

  /** What the agent does with an accepted config: build, one pass of the loop, a deploy, and the listener. */
  void runWith(Checked checked) throws Exception {
    AgentConfig c = ConfigLoader.withInstalledProviders(secrets).load(checked.file());
    Files.createDirectories(c.store());
    FileStore store = FileStore.open(c.store());
    List<ReconcileReport> reports = new ArrayList<>();
    List<Instant> waits = new ArrayList<>();
    Clock clock = Clock.systemUTC();
    try (CertManager m = AgentAssembly.build(c, store, Environment.system().withSecrets(secrets), List.of(new AgentMetrics(c)),
        line -> { })) {
      ReconcileLoop[] loop = new ReconcileLoop[1];
      Waiter oneWait = new Waiter() {
        @Override
        public void awaitUntil(Instant until) {
          waits.add(until);
          loop[0].stop();
        }

        @Override
        public void wake() { }
      };
      loop[0] = new ReconcileLoop(m, clock, oneWait, reports::add);
      loop[0].run();
    }
    assertThat(reports).as(checked.file().toString()).hasSize(1);
    ReconcileReport r = reports.get(0);
    assertThat(r.certificates()).singleElement().satisfies(cert -> assertThat(cert.targets())
        .extracting(CertificateStatus.TargetStatus::id, CertificateStatus.TargetStatus::state)
        .containsExactly(tuple("files", "in-sync"), tuple("broken", "failed")));
    // The loop waits at most maxInterval, and never less than its floor.
    Instant latest = r.startedAt().plus(c.schedule().maxInterval());
    Instant floor = Instant.now().plus(ReconcileLoop.MIN_PAUSE);
    assertThat(waits).singleElement().satisfies(w -> assertThat(w).isBeforeOrEqualTo(latest.isAfter(floor) ? latest : floor));

    // certferry deploy bounds a deploy by targetTimeout and parallelism too.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int deployed = Main.commandLine(Environment.system()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("deploy", "www", "--config", checked.file().toString(), "--target", "files");
    assertThat(deployed).as(out + "\n" + err).isZero();

    if (c.http().enabled()) {
      InetSocketAddress at = AgentHttpServer.address(c.http().host(), c.http().port());
      assertThat(at.isUnresolved()).isFalse();
      if (at.getAddress().getHostAddress().equals("127.0.0.1") && c.http().port() == 0) { // tests bind nothing else
        try (AgentHttpServer s = AgentHttpServer.start(c.http().host(), c.http().port(), new AgentState(),
            new AgentMetrics(c), store, clock)) {
          assertThat(s.port()).isPositive();
        }
      }
    }
  }

  /** Accepted and usable, or rejected cleanly at the setting's line; returns whether it was accepted. */
  boolean acceptedAndUsable(String section, String setting) throws Exception {
    Checked checked = checkConfig(section);
    assertThat(checked.code()).as(section + "\n" + checked.err()).isIn(0, 2);
    if (checked.code() == 0) {
      runWith(checked);
      return true;
    }
    assertThat(checked.err()).as(section).contains(":2:").containsPattern(Pattern.quote(setting) + "(\\[\\d+])?: ")
        .doesNotContain("Exception").doesNotContain("overflow");
    return false;
  }

  @Test
  void everyAcceptedDurationWorksAtRunTime() throws Exception {
    for (String setting : List.of("schedule.maxInterval", "schedule.targetTimeout", "alerts.failureThreshold")) {
      String[] parts = setting.split("\\.");
      List<String> accepted = new ArrayList<>();
      for (String form : DURATIONS) {
        if (acceptedAndUsable(parts[0] + ": {" + parts[1] + ": '" + form + "'}", setting)) {
          accepted.add(form);
        }
      }
      assertThat(accepted).as(setting).containsAll(ALWAYS_ACCEPTED);
      if (setting.equals("schedule.targetTimeout")) {
        assertThat(accepted).as(setting).doesNotContainAnyElementsOf(SUB_SECOND);
      } else {
        assertThat(accepted).as(setting).containsAll(SUB_SECOND);
      }
    }
  }

  @Test
  void everyAcceptedNumberWorksAtRunTime() throws Exception {
    for (String p : List.of("1", "2", "256")) {
      assertThat(acceptedAndUsable("schedule: {parallelism: " + p + "}", "schedule.parallelism")).as(p).isTrue();
    }
    for (String p : List.of("0", "257", "-1", "1.5", "'4'", "99999999999999999999")) {
      assertThat(acceptedAndUsable("schedule: {parallelism: " + p + "}", "schedule.parallelism")).as(p).isFalse();
    }
    for (String l : List.of("[1]", "[3650]", "[30, 14, 7, 3, 1]", "[1, 3650]", "[7, 7]")) {
      assertThat(acceptedAndUsable("alerts: {levels: " + l + "}", "alerts.levels")).as(l).isTrue();
    }
    for (String l : List.of("[0]", "[3651]", "[]", "7", "[x]", "[99999999999999999999]")) {
      assertThat(acceptedAndUsable("alerts: {levels: " + l + "}", "alerts.levels")).as(l).isFalse();
    }
  }

  @Test
  void everyAcceptedListenAddressWorksAtRunTime() throws Exception {
    for (String listen : List.of("127.0.0.1:0", "localhost:0", "127.0.0.1:65535", "127.0.0.1:9595", "[::1]:0", "0.0.0.0:0")) {
      assertThat(acceptedAndUsable("http: {listen: '" + listen + "'}", "http.listen")).as(listen).isTrue();
    }
    // YAML 1.1 reads yes and no as booleans, and so does the listener's switch.
    for (String enabled : List.of("true", "false", "yes", "no")) {
      assertThat(acceptedAndUsable("http: {enabled: " + enabled + ", listen: '127.0.0.1:0'}", "http.enabled")).as(enabled).isTrue();
    }
    // Not host:port, a host nobody can resolve, and an address of no interface here: the listener could bind none.
    for (String listen : List.of("127.0.0.1:65536", "127.0.0.1", ":9595", "::1", "nosuch.invalid:9595", "198.51.100.7:9595")) {
      assertThat(acceptedAndUsable("http: {listen: '" + listen + "'}", "http.listen")).as(listen).isFalse();
    }
    for (String enabled : List.of("1", "'true'", "maybe")) {
      assertThat(acceptedAndUsable("http: {enabled: " + enabled + "}", "http.enabled")).as(enabled).isFalse();
    }
  }
}
