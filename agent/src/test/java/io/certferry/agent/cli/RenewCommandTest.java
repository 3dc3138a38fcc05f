package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenewCommandTest {
  @TempDir
  Path dir;

  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));

  private CliRun renew(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "--store";
    all[1] = dir.toString();
    all[2] = "renew";
    System.arraycopy(args, 0, all, 3, args.length);
    return CliRun.of(clock, all);
  }

  private FileStore store() { return FileStore.open(dir); }

  private void localSpec(String name, String... domains) {
    store().saveSpec(new LineageSpec(name, List.of(domains), "local", "ec-p256", Map.of(), List.of()));
  }

  @Test
  void localLineageIsIssuedThenNotDueThenRenewedKeepingVersionOne() {
    localSpec("www", "www.example.test");

    CliRun first = renew();
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("www: issued version 1 (there was none)");

    CliRun notDue = renew();
    StoredVersion v1 = store().current("www").orElseThrow();
    Instant renewAt = v1.notAfter().minus(Duration.between(v1.notBefore(), v1.notAfter()).dividedBy(3));
    assertThat(notDue.code()).as(notDue.toString()).isZero();
    assertThat(notDue.out()).contains("www: not due, renews at ")
        .contains("(a third of the 90-day lifetime left on " + renewAt.toString().substring(0, 10) + ")");
    assertThat(store().versions("www")).hasSize(1);

    clock.set(renewAt.plusSeconds(60));
    CliRun due = renew("www");

    assertThat(due.code()).as(due.toString()).isZero();
    assertThat(due.out()).contains("www: renewed (a third of the 90-day lifetime left on").contains("version 2 expires");
    List<StoredVersion> versions = store().versions("www");
    assertThat(versions).extracting(StoredVersion::number).containsExactly(1, 2);
    assertThat(store().current("www").orElseThrow().number()).isEqualTo(2);
    assertThat(store().load("www", 1).sha256()).isEqualTo(v1.sha256());
    CertificateBundle v2 = store().load("www", 2);
    assertThat(v2.notAfter()).isAfter(v1.notAfter());
    assertThat(v2.names()).containsExactly("www.example.test");
    assertThat(versions.get(1).source()).isEqualTo("local");
  }

  @Test
  void forceRenewsAtOnceAndRenewBeforeLifetimeAndReuseKeyOptionsAreHonoured() {
    store().saveSpec(new LineageSpec("api", List.of("api.example.test"), "local", "ec-p384",
        Map.of("renewBefore", "10d", "lifetime", "30d", "reuseKey", "true"), List.of()));
    renew();

    CliRun notDue = renew();
    CliRun forced = renew("api", "--force");

    assertThat(notDue.out()).contains("api: not due").contains("renewBefore 10d before expiry");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(forced.out()).contains("api: renewed (forced), version 2");
    CertificateBundle b = store().load("api", 2);
    assertThat(b.keyType()).isEqualTo(KeyType.EC_P384);
    assertThat(Duration.between(clock.instant(), b.notAfter()).toDays()).isEqualTo(30);
    assertThat(b.leaf().getPublicKey()).as("reuseKey").isEqualTo(store().load("api", 1).leaf().getPublicKey());
  }

  @Test
  void explainSaysWhenAndByWhichRuleWithoutRenewingAnything() {
    store().saveSpec(new LineageSpec("api", List.of("api.example.test"), "local", "ec-p256",
        Map.of("renewBefore", "10d"), List.of()));
    renew();

    CliRun x = renew("--explain");

    assertThat(x.code()).as(x.toString()).isZero();
    assertThat(x.out()).contains("api: renews at ").contains("by rule renew-before")
        .contains("renewBefore 10d before expiry").contains("issuer: local").contains("next look: ");
    assertThat(store().versions("api")).hasSize(1);
  }

  @Test
  void importedLineageIsNeverRenewedOnlyAlerted() {
    TestPki.Ca ca = TestPki.root("USERTrust Test Root").intermediate("Sectigo Test DV CA");
    Instant now = clock.instant();
    CertificateBundle bought = ca.leaf(List.of("shop.example.com"), KeyType.EC_P256, now.minus(Duration.ofDays(300)),
        now.plus(Duration.ofDays(65)));
    FileStore s = store();
    s.saveSpec(new LineageSpec("shop", List.of("shop.example.com"), "imported", "ec-p256", Map.of(), List.of()));
    s.addVersion("shop", bought, "imported", Map.of());

    CliRun far = renew();
    clock.set(bought.notAfter().minus(Duration.ofDays(10)));
    CliRun near = renew("shop", "--force");
    clock.set(bought.notAfter().plusSeconds(1));
    CliRun expired = renew();

    assertThat(far.code()).isZero();
    assertThat(far.out()).contains("shop: imported, never renewed by Certferry; expires").contains("no alert yet");
    assertThat(near.out()).contains("alert level 14 days").contains("certferry import --name shop");
    assertThat(expired.out()).contains("alert: EXPIRED");
    assertThat(store().versions("shop")).hasSize(1);
  }

  @Test
  void specWithANewNameIsRenewedAtOnce() {
    localSpec("www", "www.example.test");
    renew();
    localSpec("www", "www.example.test", "static.example.test");

    CliRun run = renew();

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("www: renewed (version 1 does not cover static.example.test), version 2");
    assertThat(store().load("www", 2).names()).containsExactly("www.example.test", "static.example.test");
  }

  @Test
  void unknownNameIsRejected() {
    CliRun run = renew("nosuch");

    assertThat(run.code()).isEqualTo(ExitCodes.INPUT_REJECTED);
    assertThat(run.err()).contains("no certificate named 'nosuch'").contains("certferry list");
  }

  @Test
  void oneBrokenLineageFailsTheRunButNotTheOthers() {
    store().saveSpec(new LineageSpec("broken", List.of("b.example.com"), "acme", "ec-p256", Map.of(), List.of()));
    localSpec("ok", "ok.example.test");

    CliRun run = renew();

    assertThat(run.code()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err()).contains("broken: renewal failed: broken: issuer: server is missing")
        .contains("1 of 2 certificate(s) failed");
    assertThat(run.out()).contains("ok: issued version 1");
    assertThat(store().versions("broken")).isEmpty();
  }

  @Test
  void acmeLineageFollowsTheCasAriWindowAndWarnsWhenItMoves() throws Exception {
    TestPki.Ca ca = TestPki.root("ARI Test Root").intermediate("ARI Test CA");
    Instant now = clock.instant();
    CertificateBundle leaf = ca.leaf(List.of("ari.example.com"), KeyType.EC_P256, now.minus(Duration.ofDays(10)),
        now.plus(Duration.ofDays(80)));
    String certId = AriCertificateId.of(leaf.leaf()).orElseThrow();
    Instant futureStart = now.plus(Duration.ofDays(40)).truncatedTo(ChronoUnit.SECONDS);
    String[] window = {futureStart.toString(), futureStart.plus(Duration.ofDays(2)).toString(), null};
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(new Dispatcher() {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
          String path = request.getUrl().encodedPath();
          if (path.equals("/dir")) {
            return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"newNonce\": \"" + server.url("/nonce")
                + "\", \"renewalInfo\": \"" + server.url("/renewal-info") + "\"}").build();
          }
          if (path.equals("/renewal-info/" + certId)) {
            String ex = window[2] == null ? "" : ", \"explanationURL\": \"" + window[2] + "\"";
            return new MockResponse.Builder().code(200).setHeader("Retry-After", "3600").body(
                "{\"suggestedWindow\": {\"start\": \"" + window[0] + "\", \"end\": \"" + window[1] + "\"}" + ex + "}")
                .build();
          }
          return new MockResponse.Builder().code(404).build();
        }
      });
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      FileStore s = store();
      s.saveSpec(new LineageSpec("ari", List.of("ari.example.com"), "acme", "ec-p256",
          Map.of("server", server.url("/dir").toString(), "agreeTos", "true", "httpAddress", "127.0.0.1",
              "httpPort", String.valueOf(PebbleServer.freePort())), List.of()));
      s.addVersion("ari", leaf, "acme", Map.of());

      CliRun notDue = renew();
      assertThat(notDue.code()).as(notDue.toString()).isZero();
      assertThat(notDue.out()).contains("ari: not due, renews at ").contains("(ARI window ");
      Instant chosen = store().state("ari").ari().renewAt();
      assertThat(chosen).isBetween(futureStart, futureStart.plus(Duration.ofDays(2)));

      // The CA moves the window into the past (e.g. ahead of a revocation): renew now, and say why.
      window[0] = now.minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS).toString();
      window[1] = now.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString();
      window[2] = "https://ca.example/incidents/42";
      clock.set(now.plus(Duration.ofHours(2)));
      CliRun moved = renew("ari");

      assertThat(moved.out()).contains("ari: warning: ARI window moved by the CA")
          .contains("https://ca.example/incidents/42");
      // The mock is no ACME server: the order fails, which shows the renewal was attempted.
      assertThat(moved.code()).as(moved.toString()).isEqualTo(ExitCodes.FAILED);
      assertThat(moved.err()).contains("ari: renewal failed");
      assertThat(store().state("ari").ari().explanationUrl()).isEqualTo("https://ca.example/incidents/42");
      assertThat(store().versions("ari")).hasSize(1);
    }
  }

  @Test
  void acmeLineageIssuedByIssueCommandRenewsAgainstPebbleWhenClockPassesRenewalPoint() throws Exception {
    // Debian's Pebble on purpose: a CA without ARI, where the lifetime rule decides (pebble-ari's window would).
    try (PebbleServer pebble = PebbleServer.start()) {
      CliRun issued = CliRun.of(clock, "--store", dir.toString(), "issue", "--name", "web", "--domain", "web.example.com",
          "--server", pebble.directoryUrl().toString(), "--server-ca", pebble.serverCaFile().toString(), "--agree-tos",
          "--email", "ops@example.com", "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort()));
      assertThat(issued.code()).as(issued.toString() + pebble.logs()).isZero();

      CliRun notDue = renew("web");
      assertThat(notDue.code()).as(notDue.toString()).isZero();
      assertThat(notDue.out()).contains("web: not due").contains("a third of the");

      StoredVersion v1 = store().current("web").orElseThrow();
      clock.set(v1.notAfter().minus(Duration.ofDays(1)));
      CliRun second = renew();

      assertThat(second.code()).as(second.toString()).isZero();
      assertThat(second.out()).contains("web: renewed (").contains("version 2");
      assertThat(store().versions("web")).extracting(StoredVersion::number).containsExactly(1, 2);
      assertThat(store().load("web", 2).serial()).isNotEqualTo(v1.serial());
      assertThat(store().versions("web").get(1).source()).isEqualTo("acme");
    }
  }
}
