package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.x509.Fingerprints;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOnceAndLoopTest {
  @TempDir
  Path tmp;

  CliRun run(String... args) {
    return CliRun.of(args);
  }

  Path config(String extraTarget) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "certificates:",
        "  - name: quickstart",
        "    domains: [quickstart.localhost]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
        extraTarget,
        ""));
    return cfg;
  }

  static String servedSha(Path dir) throws Exception {
    try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
      return Fingerprints.sha256((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  @Test
  void runOnceIssuesDeploysVerifiesAndPrintsTheTable() throws Exception {
    Path cfg = config("");
    CliRun first = run("run", "--once", "--config", cfg.toString());
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("CERTIFICATE", "quickstart", "valid", "1/1 in sync, new version 1", "-> files",
        "All certificates valid, all targets in sync.");
    FileStore store = FileStore.open(tmp.resolve("store"));
    assertThat(servedSha(tmp.resolve("out"))).isEqualTo(store.current("quickstart").orElseThrow().sha256());

    CliRun second = run("run", "--once", "--config", cfg.toString());
    assertThat(second.code()).isZero();
    assertThat(second.out()).contains("1/1 in sync").doesNotContain("new version");
    assertThat(store.versions("quickstart")).hasSize(1);
  }

  @Test
  void runOnceExitsOneWhenATargetFails() throws Exception {
    Path cfg = config("      - {id: hook, type: exec, command: 'exit 4'}");
    CliRun r = run("run", "--once", "--config", cfg.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("1/2 in sync").contains("-> hook").contains("failed").contains("exited with 4")
        .contains("need attention");
  }

  @Test
  void deployCommandRetriesAFailedTargetNowIgnoringItsBackoff() throws Exception {
    Path mark = tmp.resolve("hook-may-succeed");
    Path cfg = config("      - {id: hook, type: exec, command: 'test -e " + mark + "'}");
    assertThat(run("run", "--once", "--config", cfg.toString()).code()).isEqualTo(1);
    FileStore store = FileStore.open(tmp.resolve("store"));
    assertThat(store.deployments("quickstart").target("hook").orElseThrow().nextAttempt()).isAfter(Instant.now());

    Files.createFile(mark);
    // The agent would wait for the backoff; a person asking to deploy does not.
    assertThat(run("run", "--once", "--config", cfg.toString()).out()).contains("1/2 in sync");
    CliRun r = run("deploy", "quickstart", "--config", cfg.toString(), "--target", "hook");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("hook").contains("deployed").contains("every target serves");
    assertThat(store.deployments("quickstart").target("hook").orElseThrow().result())
        .isEqualTo(TargetDeployment.Result.IN_SYNC);

    CliRun badTarget = run("deploy", "quickstart", "--config", cfg.toString(), "--target", "nope");
    assertThat(badTarget.code()).isEqualTo(2);
    assertThat(badTarget.err()).contains("has no target 'nope'").contains("[files, hook]");
    CliRun badName = run("deploy", "nope", "--config", cfg.toString());
    assertThat(badName.code()).isEqualTo(2);
    assertThat(badName.err()).contains("no certificate named 'nope'");
  }

  @Test
  void runRefusesABadConfigWithExitTwoAndWritesNothing() throws Exception {
    Path cfg = tmp.resolve("bad.yaml");
    Files.writeString(cfg, "store: " + tmp.resolve("store") + "\ncertificates: []\nbogus: 1\n");
    CliRun r = run("run", "--once", "--config", cfg.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(cfg + ":3:1: bogus: unknown key").contains(cfg + ":2:15: certificates:");
    assertThat(tmp.resolve("store")).doesNotExist();
  }

  /** The loop sleeps until each report's wake-up; the waiter here moves a fake clock instead. */
  @Test
  void loopWakesAtRenewalTimeAndDeploysTheNewVersion() throws Exception {
    Path cfg = tmp.resolve("loop.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "schedule: {maxInterval: 12h}",
        "certificates:",
        "  - name: short",
        "    domains: [short.localhost]",
        "    issuer: {type: local, lifetime: 2h}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
        ""));
    MutableClock clock = new MutableClock(Instant.now());
    ConfigLoader loader = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of()));
    AgentConfig c = loader.load(cfg);
    Files.createDirectories(c.store());
    FileStore store = FileStore.open(c.store());
    List<Instant> waits = new ArrayList<>();
    List<ReconcileReport> reports = new ArrayList<>();
    try (CertManager m = AgentAssembly.build(c, store, Environment.system().withClock(clock).withSecrets(ReferenceSecrets.withEnvironment(Map.of())), List.of(), line -> { })) {
      ReconcileLoop[] loop = new ReconcileLoop[1];
      Waiter driven = new Waiter() {
        @Override
        public void awaitUntil(Instant until) {
          waits.add(until);
          clock.set(until);
          if (waits.size() == 3) {
            loop[0].stop();
          }
        }

        @Override
        public void wake() { }
      };
      loop[0] = new ReconcileLoop(m, clock, driven, reports::add);
      loop[0].run();
    }
    assertThat(reports).hasSize(3);
    // Short certificates renew with half their life left: the first wake-up is half-way through v1's validity.
    var v1 = reports.get(0).certificates().get(0).current().orElseThrow();
    Instant halfway = v1.notAfter().minus(Duration.between(v1.notBefore(), v1.notAfter()).dividedBy(2));
    assertThat(waits.get(0)).isEqualTo(halfway);
    assertThat(reports.get(0).nextWakeUp()).isEqualTo(halfway);
    assertThat(reports.get(1).certificates().get(0).renewedNow()).isTrue();
    assertThat(store.versions("short")).hasSize(3);
    assertThat(servedSha(tmp.resolve("out"))).isEqualTo(store.current("short").orElseThrow().sha256());
    assertThat(reports).allSatisfy(r -> assertThat(r.allGood()).isTrue());
  }
}
