package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.PebbleServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ACME profiles against pebble-ari, which gives an order that names no profile one at random: every
 * order of a lineage configured for {@code shortlived} names it, so every certificate is a 6-day one,
 * planned inside the CA's window; a profile the CA does not offer fails before any order, saying which
 * it offers. (Without ARI a 6-day certificate is renewed at half its life: AriRenewalEndToEndTest.)
 */
class ProfilesEndToEndTest {
  private static PebbleServer pebble;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    pebble = PebbleServer.builder().ari().start();
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  record Result(int code, String out, String err) {
    @Override
    public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
  }

  private Result certferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(Environment.system()).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path config(String profile) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: short",
        "    domains: [short.example.com]",
        "    issuer:",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      profile: " + profile,
        "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}",
        ""));
    return cfg;
  }

  private static void assertSixDays(StoredVersion v) {
    assertThat(Duration.between(v.notBefore(), v.notAfter())).as("version " + v.number())
        .isBetween(Duration.ofDays(6).minusMinutes(5), Duration.ofDays(6).plusMinutes(5));
    assertThat(v.details()).containsEntry(AcmeIssuer.PROFILE, "shortlived");
  }

  @Test
  void everyOrderNamesShortlivedSoEveryCertificateLastsSixDays() throws Exception {
    Path cfg = config("shortlived");
    Result first = certferry("run", "--once", "--config", cfg.toString());
    assertThat(first.code()).as(first + pebble.logs()).isZero();
    for (int i = 0; i < 3; i++) {
      Result renewed = certferry("renew", "short", "--force", "--config", cfg.toString());
      assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
    }

    FileStore store = FileStore.open(tmp.resolve("store"));
    // Four 6-day certificates: an order without the profile would get 90 days half the time.
    assertThat(store.versions("short")).hasSize(4).allSatisfy(ProfilesEndToEndTest::assertSixDays);
    StoredVersion last = store.current("short").orElseThrow();
    LineageState.Ari window = store.state("short").ari();
    assertThat(window.certId()).isEqualTo(last.details().get("ariCertId"));
    // The CA's window for a 6-day certificate opens at half its life; the renewal is planned inside it.
    Instant halfLife = last.notBefore().plus(Duration.between(last.notBefore(), last.notAfter()).dividedBy(2));
    assertThat(window.windowStart()).isBetween(halfLife.minusSeconds(2), halfLife.plusSeconds(2));
    assertThat(window.windowEnd()).isBefore(last.notAfter());
    assertThat(store.state("short").plan().renewAt()).isBetween(window.windowStart(), window.windowEnd());
  }

  @Test
  void aProfileTheCaDoesNotOfferFailsBeforeAnyOrder() throws Exception {
    long orders = pebble.ordersPlaced();

    Result r = certferry("run", "--once", "--config", config("tlsserver").toString());

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out() + r.err()).contains("profile tlsserver is not offered by " + pebble.directoryUrl()
        + "; offered: default, shortlived; set profile: to one of them");
    assertThat(pebble.ordersPlaced()).isEqualTo(orders);
  }
}
