package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.agent.fleet.FleetDatabase;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.x509.Fingerprints;
import io.certferry.provider.postgresql.PostgresServer;
import io.certferry.provider.postgresql.PostgresStore;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A fleet of real agent processes on one real PostgreSQL 15: 50 local-CA certificates, each deployed to a directory
 * target whose hook takes a moment, all due for renewal when the agents start. One agent leads and renews; the test
 * kills it (kill -9), pauses it past its lease (SIGSTOP, SIGCONT), restarts the database under it, and starts an
 * agent while the database is down. Every time the fleet converges: each certificate renewed exactly once (two
 * versions), every target serving the current version and its deployment record saying so.
 */
class FleetChaosTest {
  static final int CERTS = 50;
  /** Short, so a takeover costs seconds of CI; the production default is 30 s. */
  static final String LEASE = "3s";
  static final Duration CONVERGE = Duration.ofSeconds(120);
  static PostgresServer server;

  @TempDir
  Path tmp;
  FleetDatabase db;
  Path config;
  FleetAgents fleet;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void seed() throws Exception {
    db = FleetDatabase.create(server, tmp.resolve("secrets"));
    config = tmp.resolve("fleet.yaml");
    List<String> lines = new ArrayList<>(List.of(db.storeYaml(LEASE), "schedule: {parallelism: 4}",
        "http: {listen: '127.0.0.1:0'}", "certificates:"));
    for (int i = 0; i < CERTS; i++) {
      String name = name(i);
      lines.addAll(List.of(
          "  - name: " + name,
          "    domains: [" + name + ".example.test]",
          "    issuer: {type: local, lifetime: 30d}",
          "    targets:",
          "      - {id: files, type: directory, path: " + tmp.resolve("targets").resolve(name) + ", command: 'sleep 0.3'}"));
    }
    Files.writeString(config, String.join("\n", lines) + "\n");
    // Version 1 of each, issued 21 days ago by the config's own rules: a third of its 30 days is left, so it is due.
    Clock past = Clock.fixed(Instant.now().minus(Duration.ofDays(21)), ZoneOffset.UTC);
    StringWriter out = new StringWriter();
    CommandLine cli = Main.commandLine(Environment.system().withClock(past));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    assertThat(cli.execute("run", "--once", "--config", config.toString())).as(out.toString()).isZero();
    fleet = new FleetAgents(tmp);
  }

  @AfterEach
  void stopFleet() throws Exception {
    if (fleet != null) {
      fleet.close();
    }
  }

  static String name(int i) { return String.format("site-%02d", i); }

  @Test
  void killingTheLeaderMidRenewalHandsItsWorkToAnotherAgentAndEachCertificateIsRenewedOnce() throws Exception {
    startThree();
    FleetAgents.Agent leader = awaitLeader();
    await("renewal under way", () -> renewed() >= 5);
    String termBefore = db.leader().orElseThrow();
    assertThat(renewed()).as("the kill lands mid-renewal").isLessThan(CERTS);

    leader.process.destroyForcibly(); // SIGKILL: no lease given up, no step finished
    Instant killed = Instant.now();
    await("another agent leads", () -> lease().filter(l -> !l.equals(termBefore)).isPresent());
    Duration takeover = Duration.between(killed, Instant.now());
    awaitConverged();
    Duration converged = Duration.between(killed, Instant.now());
    System.out.printf("fleet chaos: new leader %s after kill -9, converged %s after it%n", takeover, converged);

    FleetAgents.Agent next = fleet.byLease(db.leader().orElseThrow()).orElseThrow();
    assertThat(next).isNotSameAs(leader);
    assertThat(Long.parseLong(db.leader().orElseThrow().split(" ")[1]))
        .isGreaterThan(Long.parseLong(termBefore.split(" ")[1]));
    assertOneLeaderAmong(fleet.alive(), next);
  }

  @Test
  void aLeaderPausedPastItsLeaseHasItsLateWritesRefusedAndComesBackAsAStandby() throws Exception {
    startThree();
    FleetAgents.Agent leader = awaitLeader();
    await("renewal under way", () -> renewed() >= 5);
    String termBefore = db.leader().orElseThrow();
    leader.signal("STOP"); // mid-renewal: its hooks and writes in flight, its lease renewals stopped with it

    await("another agent leads", () -> lease().filter(l -> !l.equals(termBefore)).isPresent());
    awaitConverged();
    Map<String, Integer> versionsBefore = versionCounts();

    leader.signal("CONT");
    await("the paused agent learns it no longer leads",
        () -> leader.log().contains("no longer leads the fleet") || leader.log().contains("does not lead"));
    await("its late writes are refused", () -> leader.log().contains("refused to"));
    assertThat(leader.process.isAlive()).as(fleet.logs()).isTrue();
    awaitConverged();
    assertThat(versionCounts()).as("no duplicate version").isEqualTo(versionsBefore);
    FleetAgents.Agent next = fleet.byLease(db.leader().orElseThrow()).orElseThrow();
    assertThat(next).isNotSameAs(leader);
    assertOneLeaderAmong(fleet.alive(), next);
  }

  @Test
  void restartingTheDatabaseMidPassTheAgentsReconnectAndConverge() throws Exception {
    startThree();
    awaitLeader();
    await("renewal under way", () -> renewed() >= 5);
    server.stop();
    await("the agents notice", () -> fleet.logs().contains("cannot reach PostgreSQL"));
    server.startAgain();

    awaitConverged();
    assertThat(fleet.alive()).as(fleet.logs()).hasSize(3);
    FleetAgents.Agent leader = awaitLeader();
    assertOneLeaderAmong(fleet.alive(), leader);
  }

  @Test
  void anAgentStartedWhileTheDatabaseIsDownSaysSoWaitsAndStartsWorkingWhenItIsBack() throws Exception {
    server.stop();
    try {
      FleetAgents.Agent a = fleet.start("lone", config);
      await("it says why it waits", () -> a.log().contains("cannot open the store: cannot reach PostgreSQL at 127.0.0.1:"
          + server.port()) && a.log().contains("(attempt 3)"));
      assertThat(a.log()).contains("trying again in").contains("check that the server runs");
      assertThat(a.process.isAlive()).as("no crash, no restart loop: " + a.log()).isTrue();
      Optional<HttpResponse<String>> ready = a.get("/readyz");
      assertThat(ready).as(a.log()).isPresent();
      assertThat(ready.get().statusCode()).isEqualTo(503);
      assertThat(ready.get().body()).startsWith("waiting for the store: cannot reach PostgreSQL");
    } finally {
      server.startAgain();
    }
    awaitConverged();
    assertThat(fleet.alive()).hasSize(1);
    assertOneLeaderAmong(fleet.alive(), fleet.alive().get(0));
  }

  private void startThree() throws Exception {
    for (String n : List.of("web-1", "web-2", "web-3")) {
      fleet.start(n, config);
    }
  }

  private FleetAgents.Agent awaitLeader() throws Exception {
    await("a leader", () -> leaderAgent().isPresent());
    return leaderAgent().orElseThrow();
  }

  private Optional<FleetAgents.Agent> leaderAgent() {
    return lease().flatMap(fleet::byLease).filter(a -> a.process.isAlive());
  }

  /** The leader lease as {@code owner term}; empty when nobody holds it or the database is away. */
  private Optional<String> lease() {
    try {
      return db.leader();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** Lineages with a second version. */
  private int renewed() {
    return (int) versionCounts().values().stream().filter(n -> n >= 2).count();
  }

  private Map<String, Integer> versionCounts() {
    Map<String, Integer> out = new TreeMap<>();
    try (PostgresStore store = db.open()) {
      for (int i = 0; i < CERTS; i++) {
        out.put(name(i), store.versions(name(i)).size());
      }
    } catch (RuntimeException e) {
      return Map.of(); // the database is restarting
    }
    return out;
  }

  /**
   * Every certificate renewed exactly once and served: two versions, the target's files hold the current one, and
   * its deployment record says so.
   */
  private void awaitConverged() throws Exception {
    await("the fleet converges", () -> problems().isEmpty());
    assertThat(problems()).isEmpty();
  }

  private List<String> problems() {
    List<String> out = new ArrayList<>();
    try (PostgresStore store = db.open()) {
      for (int i = 0; i < CERTS; i++) {
        String n = name(i);
        List<StoredVersion> versions = store.versions(n);
        if (versions.size() != 2) {
          out.add(n + ": " + versions.size() + " version(s)");
          continue;
        }
        String sha = versions.get(1).sha256();
        Optional<TargetDeployment> rec = store.deployments(n).target("files");
        if (rec.isEmpty() || rec.get().result() != TargetDeployment.Result.IN_SYNC || !sha.equals(rec.get().sha256())) {
          out.add(n + ": record " + rec.map(r -> r.result() + " " + r.sha256()).orElse("none"));
        }
        if (!sha.equals(served(n))) {
          out.add(n + ": the target serves " + served(n));
        }
      }
    } catch (RuntimeException e) {
      out.add("store: " + e.getMessage());
    }
    return out;
  }

  private String served(String name) {
    Path pem = tmp.resolve("targets").resolve(name).resolve("cert.pem");
    try (InputStream in = Files.newInputStream(pem)) {
      return Fingerprints.sha256(
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in));
    } catch (Exception e) {
      return "nothing (" + e.getMessage() + ")";
    }
  }

  /**
   * Exactly one of the agents says it leads, on {@code /readyz} and in its metrics, and owns every certificate; the
   * others stand by and own none.
   */
  private void assertOneLeaderAmong(List<FleetAgents.Agent> agents, FleetAgents.Agent leader) throws Exception {
    await("the leader reports every certificate as its own", () -> leader.get("/readyz")
        .map(r -> r.statusCode() == 200 && r.body().contains("leads the fleet") && r.body().contains("owns " + CERTS))
        .orElse(false));
    for (FleetAgents.Agent a : agents) {
      HttpResponse<String> ready = a.get("/readyz").orElseThrow();
      PrometheusText metrics = PrometheusText.parse(a.get("/metrics").orElseThrow().body());
      double owned = 0;
      for (int i = 0; i < CERTS; i++) {
        owned += metrics.value("certferry_certificate_owned", Map.of("certificate", name(i))).orElse(0.0);
      }
      if (a == leader) {
        assertThat(metrics.value("certferry_fleet_leader", Map.of())).contains(1.0);
        assertThat(owned).isEqualTo(CERTS);
      } else {
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("standby").contains("owns no certificates");
        assertThat(metrics.value("certferry_fleet_leader", Map.of())).contains(0.0);
        assertThat(owned).isZero();
      }
    }
  }

  private void await(String what, BooleanSupplier condition) throws Exception {
    BooleanSupplier safe = () -> {
      try {
        return condition.getAsBoolean();
      } catch (RuntimeException e) {
        return false;
      }
    };
    assertThat(AgentProcess.await(safe, CONVERGE)).as(what + "; " + problems() + "\n" + fleet.logs()).isTrue();
  }
}
