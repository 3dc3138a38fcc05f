package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.x509.Fingerprints;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent as a real process: SIGTERM lets the step in hand finish; kill -9 at any point converges. */
class AgentProcessTest {
  @TempDir
  Path tmp;

  Process running;

  @AfterEach
  void killLeftovers() throws Exception {
    if (running != null && running.isAlive()) {
      running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  static String sha(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return Fingerprints.sha256((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
  }

  Path config(List<String> domains, String hookCommand) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {listen: 127.0.0.1:0}",
        "certificates:",
        "  - name: www",
        "    domains: " + domains,
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
        "      - id: hook",
        "        type: exec",
        "        command: '" + hookCommand + "'",
        ""));
    return cfg;
  }

  @Test
  void sigtermLetsTheStepInHandFinishAndExitsZero() throws Exception {
    Path marks = Files.createDirectories(tmp.resolve("marks"));
    String hook = "touch " + marks.resolve("started") + "; while [ ! -e " + marks.resolve("release")
        + " ]; do sleep 0.05; done; cp \"$CERTFERRY_CERT\" " + marks.resolve("hook-cert.pem");
    Path cfg = config(List.of("www.example.test"), hook);
    Path log = tmp.resolve("agent.log");
    running = AgentProcess.start(tmp, log, "run", "--config", cfg.toString());
    assertThat(AgentProcess.await(() -> Files.exists(marks.resolve("started")), Duration.ofSeconds(90)))
        .as(AgentProcess.log(log)).isTrue();

    running.destroy(); // SIGTERM while the hook is deploying
    assertThat(running.waitFor(1, TimeUnit.SECONDS)).as("the agent must wait for the step in hand").isFalse();
    Files.createFile(marks.resolve("release"));
    assertThat(running.waitFor(90, TimeUnit.SECONDS)).as(AgentProcess.log(log)).isTrue();
    assertThat(running.exitValue()).as(AgentProcess.log(log)).isIn(0, 143);

    FileStore store = FileStore.open(tmp.resolve("store"));
    StoredVersion v = store.current("www").orElseThrow();
    assertThat(sha(marks.resolve("hook-cert.pem"))).isEqualTo(v.sha256());
    assertThat(store.deployments("www").targets().values()).hasSize(2).allSatisfy(d -> {
      assertThat(d.result()).isEqualTo(TargetDeployment.Result.IN_SYNC);
      assertThat(d.sha256()).isEqualTo(v.sha256());
    });
  }

  /**
   * kill -9 at many points of a cycle (start-up, issuance, between the store write and the deploy,
   * inside a target's hook), restart, and check convergence: one version per (re)issue, the key
   * present and matching, every target on the current version.
   */
  @Test
  void killNineAtAnyPointConverges() throws Exception {
    Path hookCopy = tmp.resolve("hook-cert.pem");
    String hook = "sleep 0.4; cp \"$CERTFERRY_CERT\" " + hookCopy + ".tmp && mv " + hookCopy + ".tmp " + hookCopy;
    Random random = new Random(20261125);
    FileStore store = FileStore.open(Files.createDirectories(tmp.resolve("store")));

    Path cfg = config(List.of("www.example.test"), hook);
    crashRepeatedly(cfg, random, store, 0);
    converge(cfg, store, 1, hookCopy);

    // A second cycle: a new name forces a new certificate; crash through it too.
    cfg = config(List.of("www.example.test", "media.example.test"), hook);
    crashRepeatedly(cfg, random, store, 1);
    converge(cfg, store, 2, hookCopy);
  }

  private void crashRepeatedly(Path cfg, Random random, FileStore store, int versionsBefore) throws Exception {
    Path log = tmp.resolve("crash.log");
    for (int i = 0; i < 6; i++) {
      running = AgentProcess.start(tmp, log, "run", "--once", "--config", cfg.toString());
      switch (i % 3) {
        // right after the new version is stored, before or while deploying
        case 0 -> AgentProcess.await(() -> store.versions("www").size() > versionsBefore, Duration.ofSeconds(60));
        // inside the exec target's hook
        case 1 -> AgentProcess.await(() -> store.versions("www").size() > versionsBefore
            && store.deployments("www").target("files").map(d -> d.result() == TargetDeployment.Result.IN_SYNC).orElse(false),
            Duration.ofSeconds(60));
        // anywhere: start-up, config, issuance
        default -> running.waitFor(random.nextInt(2500), TimeUnit.MILLISECONDS);
      }
      running.destroyForcibly();
      assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
      // The store is readable after every kill, and never holds more than one new version.
      assertThat(store.versions("www").size()).isBetween(versionsBefore, versionsBefore + 1);
    }
  }

  private void converge(Path cfg, FileStore store, int expectedVersions, Path hookCopy) throws Exception {
    Path log = tmp.resolve("converge.log");
    running = AgentProcess.start(tmp, log, "run", "--once", "--config", cfg.toString());
    assertThat(running.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(running.exitValue()).as(AgentProcess.log(log)).isZero();
    assertThat(store.versions("www")).hasSize(expectedVersions);
    StoredVersion v = store.current("www").orElseThrow();
    CertificateBundle b = store.load("www", v.number());
    assertThat(b.leaf().getPublicKey().getEncoded()).isNotEmpty();
    assertThat(KeyMatch.matches(b)).isTrue();
    assertThat(sha(tmp.resolve("out/cert.pem"))).isEqualTo(v.sha256());
    assertThat(sha(hookCopy)).isEqualTo(v.sha256());
    assertThat(store.deployments("www").targets().values()).hasSize(2)
        .allSatisfy(d -> assertThat(d.sha256()).isEqualTo(v.sha256()));
  }

  /**
   * A kill inside a deploy hook is repaired: the directory target's files are written, its command (the
   * reload) is killed half-way with the agent; the next pass finds the intent without its completion and
   * deploys that target again, command included. (Before, the files matched, the target was adopted as in
   * sync and the reload never ran.)
   */
  @Test
  void aKillInsideADeployHookIsRepairedByRunningTheHookAgain() throws Exception {
    Path marks = Files.createDirectories(tmp.resolve("marks"));
    Path release = marks.resolve("release");
    String hook = "echo start >> " + marks.resolve("starts") + "; touch " + marks.resolve("in-hook")
        + "; while [ ! -e " + release + " ]; do sleep 0.05; done; echo done >> " + marks.resolve("dones");
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - id: files",
        "        type: directory",
        "        path: " + tmp.resolve("out"),
        "        command: '" + hook + "'",
        ""));
    Path log = tmp.resolve("hook-kill.log");
    running = AgentProcess.start(tmp, log, "run", "--once", "--config", cfg.toString());
    assertThat(AgentProcess.await(() -> Files.exists(marks.resolve("in-hook")), Duration.ofSeconds(60)))
        .as(AgentProcess.log(log)).isTrue();
    // The whole service dies (systemd kills the control group): the agent and its hook.
    running.descendants().forEach(ProcessHandle::destroyForcibly);
    running.destroyForcibly();
    assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.exists(tmp.resolve("out/cert.pem"))).as("the files were written before the hook").isTrue();
    assertThat(Files.exists(marks.resolve("dones"))).isFalse();

    Files.createFile(release);
    Path again = tmp.resolve("hook-again.log");
    running = AgentProcess.start(tmp, again, "run", "--once", "--config", cfg.toString());
    assertThat(running.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(running.exitValue()).as(AgentProcess.log(again)).isZero();
    assertThat(Files.readAllLines(marks.resolve("starts"))).as("the hook ran again").hasSize(2);
    assertThat(Files.readAllLines(marks.resolve("dones"))).as("and finished").hasSize(1);
    FileStore store = FileStore.open(tmp.resolve("store"));
    assertThat(store.deployments("www").target("files").orElseThrow().result()).isEqualTo(TargetDeployment.Result.IN_SYNC);
  }

  /** Signs and verifies with the stored key: the key belongs to the certificate. */
  static final class KeyMatch {
    static boolean matches(CertificateBundle b) throws Exception {
      String alg = b.privateKey().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      Signature s = Signature.getInstance(alg);
      s.initSign(b.privateKey());
      s.update(new byte[] {1, 2, 3});
      byte[] sig = s.sign();
      s.initVerify(b.leaf().getPublicKey());
      s.update(new byte[] {1, 2, 3});
      return s.verify(sig);
    }
  }
}
