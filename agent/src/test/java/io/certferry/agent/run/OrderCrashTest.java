package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.FileStore;
import io.certferry.core.testing.PebbleServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders survive a crash: the agent, a real process against pebble-ari with real http-01 validation, is
 * killed with SIGKILL at every step of one issuance (order placed, challenge answered, validated,
 * finalizing, issued); each restart resumes the order it kept in the store. Pebble sees exactly one
 * order, plus one only if a kill landed while the CA was validating (the dead process cannot answer,
 * so that order turns invalid and can never be finished). (A crash loop that ordered again on every start would lock a name out for a week at Let's
 * Encrypt: five duplicate certificates a week.)
 */
class OrderCrashTest {
  /** Progress lines of one issuance, in order: each is a step to die at. */
  private static final List<String> STEPS = List.of("web: order https://", "web: http-01 response in place",
      "web: validated web.example.com", "web: finalizing order", "web: issued serial");

  @TempDir
  Path tmp;

  /** The last step at or after {@code from} whose line the log holds, or -1. */
  private static int reached(String log, int from) {
    for (int i = STEPS.size() - 1; i >= from; i--) {
      if (log.contains(STEPS.get(i))) {
        return i;
      }
    }
    return -1;
  }

  private Process running;

  @AfterEach
  void killLeftovers() throws Exception {
    if (running != null && running.isAlive()) {
      running.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void killedAtEveryStepOfAnIssuanceTheAgentPlacesOneOrder() throws Exception {
    // Retry-After of a second on every poll: each step lasts long enough to die in.
    try (PebbleServer pebble = PebbleServer.builder().ari().retryAfter(2, 2).start()) {
      Path store = tmp.resolve("store");
      Path cfg = tmp.resolve("agent.yaml");
      Files.writeString(cfg, String.join("\n",
          "store: " + store,
          "http: {enabled: false}",
          "certificates:",
          "  - name: web",
          "    domains: [web.example.com]",
          "    issuer:",
          "      type: acme",
          "      server: " + pebble.directoryUrl(),
          "      serverCa: " + pebble.serverCaFile(),
          "      agreeTos: true",
          "      profile: default",
          "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}",
          "    targets:",
          "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
          ""));
      FileStore files = FileStore.open(Files.createDirectories(store));
      // Each run dies at the first step it reaches at or after the next one not yet died at: a step
      // passed in a blink (no poll to wait for) is died at after, never skipped silently.
      List<String> diedAt = new ArrayList<>();
      int invalidated = 0;
      int next = 0;
      for (int run = 0; next < STEPS.size() && run < 10; run++) {
        Path log = tmp.resolve("run-" + run + ".log");
        boolean orderKept = files.pendingOrder("web").isPresent();
        running = AgentProcess.start(tmp, log, "run", "--once", "--config", cfg.toString());
        int from = next;
        assertThat(AgentProcess.await(() -> reached(AgentProcess.log(log), from) >= 0 || !running.isAlive(),
            Duration.ofSeconds(60))).as("run " + run + "\n" + AgentProcess.log(log) + pebble.logs()).isTrue();
        running.destroyForcibly();
        assertThat(running.waitFor(30, TimeUnit.SECONDS)).isTrue();
        int at = reached(AgentProcess.log(log), from);
        if (at < 0) {
          break; // it finished before any further step: nothing left to die in
        }
        diedAt.add(STEPS.get(at));
        next = at + 1;
        assertThat(files.versions("web").size()).as("after a kill at '" + STEPS.get(at) + "'").isLessThanOrEqualTo(1);
        if (orderKept) {
          String l = AgentProcess.log(log);
          if (l.contains("the order left by the last run is invalid")) {
            invalidated++; // killed while the CA validated: its request found no one answering
          } else {
            assertThat(l).as("run " + run + " resumed the kept order").contains("resuming order");
          }
        }
      }
      assertThat(diedAt).as("killed at several steps of the issuance").hasSizeGreaterThanOrEqualTo(3);
      Path last = tmp.resolve("converge.log");
      running = AgentProcess.start(tmp, last, "run", "--once", "--config", cfg.toString());
      assertThat(running.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(running.exitValue()).as(AgentProcess.log(last)).isZero();

      assertThat(files.versions("web")).hasSize(1);
      assertThat(files.pendingOrder("web")).as("the kept order is gone once stored").isEmpty();
      // One order, and a new one only for an order the crash made invalid (a process killed while the CA
      // validates cannot answer it; such an order can never be finished).
      assertThat(pebble.ordersPlaced()).as("orders Pebble saw\n" + pebble.logs()).isEqualTo(1 + invalidated);
      assertThat(invalidated).isLessThanOrEqualTo(1);
      assertThat(Files.readString(tmp.resolve("out/cert.pem"))).isNotBlank();
    }
  }
}
