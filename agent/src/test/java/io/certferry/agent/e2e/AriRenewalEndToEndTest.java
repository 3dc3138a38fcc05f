package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.Http01StandaloneSolver;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.KeyType;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One engine behind every door, against a CA that offers ARI (pebble-ari, real http-01 validation): a
 * certificate made by {@code certferry issue} keeps its ARI id and the CA's window; when the CA moves the
 * window into the past (what it does ahead of a mass revocation), the agent renews at once with
 * {@code replaces} naming the old certificate, which the CA accepts only from the same account.
 */
class AriRenewalEndToEndTest {
  @TempDir
  Path tmp;

  record Result(int code, String out, String err) {
    @Override
    public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
  }

  private final MutableClock clock = new MutableClock(Instant.now());

  private Result certferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(Environment.system().withClock(clock)).setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void issuedByTheCliRenewedByTheAgentWithReplacesWhenTheCaMovesTheWindow() throws Exception {
    try (PebbleServer pebble = PebbleServer.builder().ari().start()) {
      Path store = tmp.resolve("store");
      Result issued = certferry("--store", store.toString(), "issue", "--name", "web", "--domain", "web.example.com",
          "--server", pebble.directoryUrl().toString(), "--server-ca", pebble.serverCaFile().toString(), "--agree-tos",
          "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort()), "--profile", "default");
      assertThat(issued.code()).as(issued + pebble.logs()).isZero();

      FileStore files = FileStore.open(store);
      StoredVersion v1 = files.current("web").orElseThrow();
      String certId = v1.details().get(RenewalPlanner.ARI_CERT_ID);
      assertThat(certId).as("a version made by certferry issue keeps its ARI id").isNotBlank();
      LineageState.Ari window = files.state("web").ari();
      assertThat(window).as("the pass that issued it asked the CA for its window").isNotNull();
      assertThat(window.certId()).isEqualTo(certId);
      assertThat(window.windowStart()).isAfter(v1.notBefore());
      assertThat(files.state("web").plan().rule()).isEqualTo("ari");

      Path config = tmp.resolve("agent.yaml");
      Files.writeString(config, String.join("\n",
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
      Result quiet = certferry("run", "--once", "--config", config.toString());
      assertThat(quiet.code()).as(quiet.toString()).isZero();
      assertThat(files.versions("web")).hasSize(1);
      long ordersBefore = pebble.ordersPlaced();

      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      pebble.setRenewalInfo(files.load("web", 1).leaf(), "{\"suggestedWindow\": {\"start\": \""
          + now.minus(Duration.ofDays(2)) + "\", \"end\": \"" + now.minus(Duration.ofDays(1))
          + "\"}, \"explanationURL\": \"https://ca.example/incident/7\"}");
      // The CA said to ask again after its Retry-After (6 h): the agent does, and finds the window moved.
      clock.set(window.nextPoll().plusSeconds(60));
      Result renewed = certferry("run", "--once", "--config", config.toString());

      assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
      assertThat(files.versions("web")).hasSize(2);
      StoredVersion v2 = files.current("web").orElseThrow();
      assertThat(v2.sha256()).isNotEqualTo(v1.sha256());
      assertThat(pebble.ordersPlaced()).as("exactly one order for the renewal").isEqualTo(ordersBefore + 1);
      // The new version has its own ARI id, and the CA's window for it.
      assertThat(v2.details().get(RenewalPlanner.ARI_CERT_ID)).isNotEqualTo(certId);
      assertThat(files.state("web").ari().certId()).isEqualTo(v2.details().get(RenewalPlanner.ARI_CERT_ID));
      // The renewal's order named v1 in replaces: the CA now refuses a second replacement of v1.
      try (AcmeIssuer again = AcmeIssuer.builder().directory(pebble.directoryUrl()).agreeToTermsOfService(true)
          .serverCa(CertificateReader.read(pebble.serverCaFile())).store(files)
          .solver(new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", pebble.httpPort()))).build()) {
        IssueRequest second = new IssueRequest("web", List.of("web.example.com"), KeyType.EC_P256, Optional.empty(),
            Optional.of(certId), Optional.of("default"), Optional.empty(), null);
        assertThatThrownBy(() -> again.issue(second)).isInstanceOf(IssueException.class).hasMessageContaining("alreadyReplaced");
      }
      assertThat(Files.readString(tmp.resolve("out/cert.pem"))).isNotBlank();
    }
  }
}
