package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a certificate valid when things go wrong, configured in YAML: {@code fallback:} and
 * {@code fallbackAfter:}, {@code windows:} for all targets or one, and a certificate's own
 * {@code alerts: {levels}}. Each value check-config accepts reaches the engine and acts; the values it
 * rejects are rejected at their line and column.
 */
class ContinuityConfigTest {
  @TempDir
  Path tmp;

  final Secrets secrets = ReferenceSecrets.withEnvironment(Map.of());

  CliRun certferry(MutableClock clock, String... args) {
    return CliRun.of(Environment.system().withClock(clock).withSecrets(secrets), args);
  }

  Path config(String... certificateLines) throws Exception {
    Path f = tmp.resolve("agent.yaml");
    StringBuilder b = new StringBuilder("store: " + tmp.resolve("store") + "\nhttp: {enabled: false}\ncertificates:\n");
    for (String l : certificateLines) {
      b.append(l).append('\n');
    }
    return Files.writeString(f, b.toString());
  }

  @Test
  void aDeadPrimaryCaHandsOverToTheFallbackAfterFallbackAfter() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort(); // closed again: nothing answers there
    }
    try (PebbleServer pebble = PebbleServer.builder().start()) {
      Path cfg = config(
          "  - name: web",
          "    domains: [web.example.com]",
          "    issuer:",
          "      type: acme",
          "      server: https://127.0.0.1:" + dead + "/dir",
          "      serverCa: " + pebble.serverCaFile(),
          "      agreeTos: true",
          "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}",
          "    fallback:",
          "      - {server: " + pebble.directoryUrl() + "}",
          "    fallbackAfter: 10m",
          "    targets:",
          "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}");
      MutableClock clock = new MutableClock(Instant.now());
      assertThat(certferry(clock, "check-config", "--config", cfg.toString()).code()).isZero();

      CliRun first = certferry(clock, "run", "--once", "--config", cfg.toString());
      FileStore store = FileStore.open(tmp.resolve("store"));
      assertThat(store.versions("web")).as(first.toString()).isEmpty();
      assertThat(store.state("web").failure().kind()).as(first.toString()).hasToString("ca-unreachable");
      assertThat(pebble.ordersPlaced()).isZero();

      clock.advance(Duration.ofMinutes(11));
      CliRun second = certferry(clock, "run", "--once", "--config", cfg.toString());
      assertThat(second.code()).as(second + pebble.logs()).isZero();
      assertThat(store.versions("web")).as(second.toString()).hasSize(1);
      assertThat(pebble.ordersPlaced()).isEqualTo(1);
      assertThat(store.current("web").orElseThrow().details()).as("made by the fallback")
          .containsEntry("issuer", pebble.directoryUrl().toString());
      assertThat(Files.readString(tmp.resolve("out/cert.pem"))).isNotBlank();
    }
  }

  @Test
  void windowsHoldATargetUntilTheyOpenAndOwnLevelsAlert() throws Exception {
    Path cfg = config(
        "  - name: www",
        "    domains: [www.example.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - id: lb",
        "        type: directory",
        "        path: " + tmp.resolve("lb"),
        "        windows: ['Sat 02:00-05:00 UTC']",
        "      - {id: files, type: directory, path: " + tmp.resolve("files") + "}",
        "  - name: shop",
        "    domains: [shop.example.test]",
        "    issuer: {type: imported, renewBefore: 150d}",
        "    alerts: {levels: [120]}");
    MutableClock clock = MutableClock.at("2026-12-04T10:00:00Z"); // a Friday
    AgentConfig c = ConfigLoader.withInstalledProviders(secrets).load(cfg);
    Files.createDirectories(c.store());
    FileStore store = FileStore.open(c.store());
    List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
    Environment env = Environment.system().withClock(clock).withSecrets(secrets);
    // Bought a year ago with 100 days left: inside its own 120-day level, far from the config's 30 days.
    store.addVersion("shop", TestPki.root("Sectigo-like CA").leaf(List.of("shop.example.test"), KeyType.EC_P256,
        clock.instant().minus(Duration.ofDays(265)), clock.instant().plus(Duration.ofDays(100))), "imported", Map.of());
    try (CertManager m = AgentAssembly.build(c, store, env, List.of(events::add), line -> { })) {
      ManagedCertificate mc = m.certificates().get(0);
      assertThat(mc.windowsOf("lb")).hasSize(1);
      assertThat(mc.windowsOf("files")).isEmpty();
      assertThat(m.certificates().get(1).options()).containsEntry(ManagedCertificate.ALERT_LEVELS, "120");

      CertificateStatus friday = m.reconcile().certificates().stream().filter(x -> x.name().equals("www")).findFirst()
          .orElseThrow();
      assertThat(friday.targets()).extracting(CertificateStatus.TargetStatus::id, CertificateStatus.TargetStatus::state)
          .containsExactlyInAnyOrder(tuple("files", "in-sync"),
              tuple("lb", "waiting"));
      assertThat(friday.targets().get(0).nextAttempt()).contains(Instant.parse("2026-12-05T02:00:00Z"));
      assertThat(friday.good()).as("waiting for a window as configured is not a problem").isTrue();
      assertThat(Files.exists(tmp.resolve("lb/cert.pem"))).isFalse();
      assertThat(events).anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(LifecycleEvent.Type.DEPLOY_DEFERRED);
        assertThat(e.message()).contains("2026-12-05T02:00:00Z");
      });
      assertThat(events).filteredOn(e -> e.type() == LifecycleEvent.Type.EXPIRING).singleElement()
          .satisfies(e -> assertThat(e.certificate()).isEqualTo("shop"));

      clock.set(Instant.parse("2026-12-05T02:30:00Z"));
      CertificateStatus saturday = m.reconcile().certificates().stream().filter(x -> x.name().equals("www"))
          .findFirst().orElseThrow();
      assertThat(saturday.targets()).allSatisfy(t -> assertThat(t.state()).isEqualTo("in-sync"));
      assertThat(Files.readString(tmp.resolve("lb/cert.pem"))).isEqualTo(Files.readString(tmp.resolve("files/cert.pem")));
    }
  }

  @Test
  void badContinuitySettingsAreLocated() throws Exception {
    Path cfg = config(
        "  - name: short",                                          // 4
        "    domains: [short.example.test]",                        // 5
        "    issuer: {type: acme, server: letsencrypt, agreeTos: true, profile: shortlived}", // 6
        "    windows: ['Sun 02:00-03:00 UTC']",                     // 7 shut 167 h; 160 h certificates
        "    fallbackAfter: soon",                                  // 8
        "    alerts: {levels: [0], colour: red}",                   // 9
        "    fallback: [{server: zerossl, colour: red}, 7]",        // 10
        "    targets:",                                             // 11
        "      - {id: a, type: directory, path: ./a, windows: ['Caturday 02:00-03:00 UTC']}", // 12
        "  - name: local",                                          // 13
        "    domains: [local.example.test]",                        // 14
        "    issuer: {type: local}",                                // 15
        "    fallback: [letsencrypt]");                             // 16
    CliRun r = certferry(MutableClock.at("2026-12-04T10:00:00Z"), "check-config", "--config", cfg.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err())
        .contains(cfg + ":7:14: certificates[0].windows: these windows stay shut for up to 6d23h")
        .contains("a certificate of 6d16h is renewed")
        .contains(cfg + ":8:20: certificates[0].fallbackAfter: 'soon' is not a duration")
        .contains(cfg + ":9:23: certificates[0].alerts.levels[0]:")
        .contains(cfg + ":9:27: certificates[0].alerts.colour: unknown key 'colour'")
        .contains(cfg + ":10:48: certificates[0].fallback[1]: expected a CA name or a mapping")
        .contains(cfg + ":10:34: certificates[0].fallback[0].colour: unknown key 'colour'")
        .contains(cfg + ":12:55: certificates[0].targets[0].windows[0]:")
        .contains(cfg + ":16:15: certificates[1].fallback: fallback needs an ACME issuer")
        .contains("nothing was started.");
    assertThat(Files.exists(tmp.resolve("store"))).as("check-config writes nothing").isFalse();
  }
}
