package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.PebbleServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certferry issue} and {@code revoke} against a real Pebble (pebble-ari), through picocli like a user. */
class IssueCommandTest {
  private static PebbleServer pebble;

  @TempDir Path store;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

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

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("--store", store.toString()));
    all.addAll(List.of(args));
    return Main.commandLine(Environment.system()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(all.toArray(String[]::new));
  }

  private String[] issueArgs(String name, String... extra) {
    List<String> a = new ArrayList<>(List.of("issue", "--name", name, "--server", pebble.directoryUrl().toString(),
        "--server-ca", pebble.serverCaFile().toString(), "--agree-tos", "--email", "ops@example.com"));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void issuesOverHttp01StoresTheVersionAndSpecThenRevokes() throws Exception {
    int code = run(issueArgs("shop", "--domain", "shop.example.com", "--domain", "www.shop.example.com",
        "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort()), "--key-type", "rsa-2048"));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("shop: version 1 issued for ").contains("shop.example.com, ");
    assertThat(err.toString()).contains("certferry: shop: validated shop.example.com");

    FileStore fs = FileStore.open(store);
    StoredVersion v = fs.current("shop").orElseThrow();
    assertThat(v.domains()).containsExactlyInAnyOrder("shop.example.com", "www.shop.example.com");
    assertThat(v.source()).isEqualTo("acme");
    assertThat(v.keyType()).isEqualTo("rsa-2048");
    assertThat(v.details()).containsKeys(AcmeIssuer.CERTIFICATE_URL, AcmeIssuer.ACCOUNT_URL);
    JsonNode spec = new ObjectMapper().readTree(Files.readString(store.resolve("certs/shop/spec.json")));
    assertThat(spec.toString()).contains("\"source\":\"acme\"").contains(pebble.directoryUrl().toString())
        .contains("\"http\":{\"port\":" + pebble.httpPort() + ",\"address\":\"127.0.0.1\"}");
    // The issuer block is the YAML's, by the same names: the CLI's flags and the config are one model.
    assertThat(spec.at("/issuer/type").asText()).isEqualTo("acme");
    assertThat(spec.at("/issuer/agreeTos").asBoolean()).isTrue();

    int again = run(issueArgs("shop", "--domain", "shop.example.com", "--domain", "www.shop.example.com",
        "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort()), "--reuse-key"));
    assertThat(again).as(err.toString()).isZero();
    StoredVersion v2 = fs.current("shop").orElseThrow();
    assertThat(v2.number()).isEqualTo(2);
    assertThat(fs.load("shop", 2).leaf().getPublicKey()).isEqualTo(fs.load("shop", 1).leaf().getPublicKey());

    assertThat(run("revoke", "shop", "--reason", "superseded")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("shop: version 2 (serial " + v2.serial() + ") revoked");
    assertThat(run("revoke", "shop")).isEqualTo(1);
    assertThat(err.toString()).contains("alreadyRevoked");
  }

  @Test
  void issuesAWildcardOverDns01ThroughChallTestSrv() {
    int code = run(issueArgs("wild", "--domain", "*.cli.example.net", "--domain", "cli.example.net",
        "--challenge", "dns-01", "--dns-provider", "pebble-challtestsrv", "--dns-set", "url=" + pebble.challTestSrvUrl(),
        "--dns-resolver", "127.0.0.1:" + pebble.dnsAddress().getPort()));
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("wild: version 1 issued for ");
    assertThat(FileStore.open(store).current("wild").orElseThrow().domains())
        .containsExactlyInAnyOrder("*.cli.example.net", "cli.example.net");
  }

  @Test
  void issuesForAnIpAddressOverTlsAlpn01TheFirstChoiceItCanUse() throws Exception {
    int code = run(issueArgs("ip", "--domain", "127.0.0.1", "--profile", "shortlived", "--challenge", "dns-01",
        "--challenge", "tls-alpn-01", "--dns-provider", "pebble-challtestsrv", "--dns-set", "url=" + pebble.challTestSrvUrl(),
        "--tls-alpn-address", "127.0.0.1", "--tls-alpn-port", String.valueOf(pebble.tlsPort())));

    assertThat(code).as(err.toString() + pebble.logs()).isZero();
    assertThat(out.toString()).contains("ip: version 1 issued for 127.0.0.1");
    assertThat(err.toString()).contains("certferry: ip: challenge for 127.0.0.1: tls-alpn-01 (choice 2 of 2: dns-01 "
        + "cannot validate IP addresses)");
    StoredVersion v = FileStore.open(store).current("ip").orElseThrow();
    assertThat(v.domains()).containsExactly("127.0.0.1");
    assertThat(v.details()).containsEntry(AcmeIssuer.CHALLENGE_PREFIX + "127.0.0.1",
        "tls-alpn-01 (choice 2 of 2: dns-01 cannot validate IP addresses)");
    JsonNode spec = new ObjectMapper().readTree(Files.readString(store.resolve("certs/ip/spec.json")));
    assertThat(spec.at("/issuer/challenges").toString()).isEqualTo("[\"dns-01\",\"tls-alpn-01\"]");
    assertThat(spec.at("/issuer/tlsAlpn/port").asInt()).isEqualTo(pebble.tlsPort());
  }

  @Test
  void badInputIsRejectedWithExitCode3AndNothingWritten() throws Exception {
    assertThat(run(issueArgs("x", "--domain", "bad_name!"))).isEqualTo(3);
    assertThat(err.toString()).contains("--domain 'bad_name!' is not a DNS name or IP address");
    assertThat(run(issueArgs("x", "--domain", "a.example.com", "--challenge", "tls-sni-01"))).isEqualTo(3);
    assertThat(err.toString()).contains("--challenge: 'tls-sni-01' is not a challenge type; choose from http-01, "
        + "tls-alpn-01, dns-01, dns-account-01, dns-persist-01");
    assertThat(run(issueArgs("x", "--domain", "*.a.example.com", "--challenge", "http-01", "--challenge", "tls-alpn-01")))
        .isEqualTo(3);
    assertThat(err.toString()).contains("--challenge: wildcard names need dns-01, dns-account-01 or dns-persist-01");
    assertThat(run(issueArgs("x", "--domain", "192.0.2.7", "--challenge", "dns-persist-01"))).isEqualTo(3);
    assertThat(err.toString()).contains("--challenge: IP addresses need http-01 or tls-alpn-01");
    assertThat(run(issueArgs("x", "--domain", "a.example.com", "--challenge", "dns-persist-01", "--persist-until", "soon")))
        .isEqualTo(3);
    assertThat(err.toString()).contains("--persist-until: 'soon' is not a date");
    assertThat(run(issueArgs("x", "--domain", "a.example.com", "--challenge", "dns-01"))).isEqualTo(3);
    assertThat(err.toString()).contains("--dns-provider");
    assertThat(run(issueArgs("x", "--domain", "a.example.com", "--eab-kid", "k", "--eab-hmac-ref", "plainsecret"))).isEqualTo(3);
    assertThat(err.toString()).contains("a secret must not be written here").doesNotContain("plainsecret;");
    assertThat(run("issue", "--name", "x", "--domain", "a.example.com", "--server", "lets-encrypt")).isEqualTo(3);
    assertThat(err.toString()).contains("neither a known name");
    assertThat(run("revoke", "nothing-here")).isEqualTo(3);
    try (var s = Files.list(store)) {
      assertThat(s.filter(p -> p.getFileName().toString().equals("certs"))
          .flatMap(p -> { try { return Files.list(p); } catch (IOException e) { throw new RuntimeException(e); } })
          .toList()).isEmpty();
    }
  }

  @Test
  void failedValidationExitsOneAndBacksOff() throws Exception {
    // webroot that nothing serves: Pebble's validation request gets connection refused
    Path webroot = Files.createTempDirectory(store, "www");
    assertThat(run(issueArgs("nope", "--domain", "nope.example.com", "--webroot", webroot.toString()))).isEqualTo(1);
    assertThat(err.toString()).contains("validation of nope.example.com failed").contains("attempt 1");
    JsonNode state = new ObjectMapper().readTree(Files.readString(store.resolve("certs/nope/state.json")));
    assertThat(state.at("/failure/attempts").asInt()).isEqualTo(1);
    assertThat(state.at("/failure/kind").asText()).isEqualTo("validation-failed");
    assertThat(Instant.parse(state.at("/failure/nextAttempt").asText())).isAfter(Instant.now());
    assertThat(state.at("/failure/lastError").asText()).contains("nope.example.com");
    // The engine holds the next order until the backoff has passed: no second order now.
    assertThat(run(issueArgs("nope", "--domain", "nope.example.com", "--webroot", webroot.toString()))).isEqualTo(1);
    assertThat(err.toString()).contains("1 failed attempt(s), next attempt not before");
  }
}
