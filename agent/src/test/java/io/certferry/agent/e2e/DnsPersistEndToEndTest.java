package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.provider.dnsimple.DnsimpleTestServer;
import io.certferry.provider.dnsimple.FakeDnsimple;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dns-persist-01 through the agent's real entry against pebble-ari, validated for real (challtestsrv is
 * Pebble's DNS; the DNSimple fake mirrors its records into it): the persistent record is created once
 * through DNSimple, after which a config without any DNS token renews; without a record and a provider
 * the operator is told the exact record, which {@code certferry dns-persist record} prints too.
 */
class DnsPersistEndToEndTest {
  private static PebbleServer pebble;

  @TempDir
  Path tmp;

  private final Secrets secrets = ReferenceSecrets.withEnvironment(Map.of("DNSIMPLE_TOKEN", FakeDnsimple.TOKEN));
  private final MutableClock clock = new MutableClock(Instant.now());

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
    int code = Main.commandLine(Environment.system().withClock(clock).withSecrets(secrets))
        .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  /** An agent config for one certificate over dns-persist-01; {@code dnsProvider} may be empty. */
  private Path config(String file, String name, List<String> domains, String dnsProvider) throws Exception {
    Path cfg = tmp.resolve(file);
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: " + name,
        "    domains: [" + String.join(", ", domains.stream().map(d -> "'" + d + "'").toList()) + "]",
        "    issuer:",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      profile: default",
        "      challenges: [dns-persist-01]",
        dnsProvider.isEmpty() ? "" : "      dnsProvider: " + dnsProvider,
        "      propagationServers: ['127.0.0.1:" + pebble.dnsAddress().getPort() + "']",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out-" + name) + "}",
        ""));
    return cfg;
  }

  @Test
  void theRecordIsCreatedOnceThroughDnsimpleThenRenewalsNeedNoDnsToken() throws Exception {
    try (DnsimpleTestServer dnsimple = new DnsimpleTestServer(new FakeDnsimple(2020, true).zone("example.net"))) {
      FakeDnsimple dns = dnsimple.fake;
      dns.mirrorInto(new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()), List.of("example.net"), v -> v);
      List<String> names = List.of("persist.example.net", "*.persist.example.net");
      Path withToken = config("with-token.yaml", "persist", names, "{type: dnsimple, token: '${env:DNSIMPLE_TOKEN}', "
          + "baseUrl: '" + dnsimple.baseUrl() + "'}");

      Result first = certferry("run", "--once", "--config", withToken.toString());

      assertThat(first.code()).as(first + pebble.logs()).isZero();
      FileStore store = FileStore.open(tmp.resolve("store"));
      StoredVersion v1 = store.current("persist").orElseThrow();
      assertThat(v1.domains()).containsExactlyInAnyOrder(names.toArray(String[]::new));
      String account = v1.details().get(AcmeIssuer.ACCOUNT_URL);
      List<JsonNode> txt = dns.records("example.net").stream().filter(r -> r.path("type").asText().equals("TXT")).toList();
      assertThat(txt).as("one record for the name and its wildcard").hasSize(1);
      assertThat(txt.get(0).path("name").asText()).isEqualTo("_validation-persist.persist");
      assertThat(txt.get(0).path("content").asText())
          .isEqualTo("\"pebble.letsencrypt.org; accounturi=" + account + "; policy=wildcard\"");
      assertThat(v1.details()).containsEntry(AcmeIssuer.CHALLENGE_PREFIX + "*.persist.example.net",
          "dns-persist-01 (the configured challenge)");

      Result explained = certferry("renew", "--explain", "--config", withToken.toString());
      assertThat(explained.out()).contains("  challenge for *.persist.example.net: dns-persist-01 (the configured challenge)",
          "  challenge for persist.example.net: dns-persist-01 (the configured challenge)");

      // What the operator would add by hand is exactly what was created.
      Result printed = certferry("dns-persist", "record", "--name", "persist", "--config", withToken.toString());
      assertThat(printed.code()).as(printed.toString()).isZero();
      assertThat(printed.out()).isEqualTo("_validation-persist.persist.example.net. IN TXT "
          + txt.get(0).path("content").asText() + "\n");

      // The token can go: the renewal needs no DNS change.
      long requests = dns.requests().size();
      Path noToken = config("no-token.yaml", "persist", names, "");
      Result renewed = certferry("renew", "persist", "--force", "--config", noToken.toString());

      assertThat(renewed.code()).as(renewed + pebble.logs()).isZero();
      assertThat(renewed.out()).contains("persist: renewed (forced), version 2");
      assertThat(renewed.err()).contains("dns-persist-01 record _validation-persist.persist.example.net in place for "
          + "persist.example.net; no DNS change");
      assertThat(store.versions("persist")).hasSize(2);
      assertThat(dns.requests()).as("not one DNSimple request for the renewal").hasSize((int) requests);
      assertThat(dns.records("example.net")).as("the record stays").hasSize(1);
    }
  }

  @Test
  void withoutTheRecordAndWithoutAProviderTheOperatorIsToldWhichRecordToAdd() throws Exception {
    Path cfg = config("bare.yaml", "bare", List.of("bare.example.net"), "");

    Result printed = certferry("dns-persist", "record", "--name", "bare", "--config", cfg.toString());
    assertThat(printed.code()).as(printed.toString()).isZero();
    assertThat(printed.out()).startsWith("_validation-persist.bare.example.net. IN TXT \"pebble.letsencrypt.org; "
        + "accounturi=https://localhost:");
    assertThat(printed.err()).contains("add this record once at the DNS host of bare.example.net");
    String record = printed.out().substring(printed.out().indexOf('"') + 1, printed.out().lastIndexOf('"'));

    long orders = pebble.ordersPlaced();
    Result refused = certferry("run", "--once", "--config", cfg.toString());

    assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out() + refused.err()).contains("dns-persist-01: the record for bare.example.net is not in place "
        + "and no dnsProvider is set to create it; add " + printed.out().strip());

    // The operator adds the record, once.
    new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()).createTxt("_validation-persist.bare.example.net", record);
    clock.set(clock.instant().plusSeconds(3600)); // past the failure's backoff
    Result issued = certferry("run", "--once", "--config", cfg.toString());

    assertThat(issued.code()).as(issued + pebble.logs()).isZero();
    assertThat(pebble.ordersPlaced()).as("the order the refused run placed is the one finished").isEqualTo(orders + 1);
    assertThat(FileStore.open(tmp.resolve("store")).current("bare")).isPresent();
  }
}
