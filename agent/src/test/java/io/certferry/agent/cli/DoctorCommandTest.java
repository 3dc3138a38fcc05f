package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.certferry.agent.Environment;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.FakeDnsServer;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.TestPki;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.netlify.FakeNetlify;
import io.certferry.provider.nginx.NginxProcess;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.CAARecord;
import org.xbill.DNS.DClass;

/**
 * {@code certferry doctor} end to end: pebble-ari requiring EAB as the CA, a fake authoritative DNS server as the
 * resolver, the DigitalOcean and Netlify fakes (contract-validated), a real nginx and a folder. Exit codes 0, 1 and
 * 2, the text and {@code --json} shapes, progress on stderr; nothing changed and no secret printed.
 */
class DoctorCommandTest {
  private static final String DO_TOKEN = "dop_v1_9999888877776666555544443333aaaa";
  private static final String NETLIFY_TOKEN = "nfp_1111222233334444555566667777aaaa";
  private static final String KID = "kid-doctor";
  private static final String HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
  private static final String LB = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";
  private static final List<String> SECRETS = List.of(DO_TOKEN, NETLIFY_TOKEN, HMAC);
  private static PebbleServer pebble;

  @TempDir Path tmp;
  private final CertificateBundle served = TestPki.root("Bought Root").intermediate("Bought CA").leaf(List.of("a.test",
      "www.a.test"));
  private final MockWebServer doServer = new MockWebServer();
  private final MockWebServer netlifyServer = new MockWebServer();
  private final FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
  private final FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
  private ContractValidatingDispatcher doContract;
  private ContractValidatingDispatcher netlifyContract;
  private NginxProcess nginx;
  private FakeDnsServer dns;

  @BeforeAll
  static void ca() {
    pebble = PebbleServer.builder().ari().eab(Map.of(KID, HMAC)).start();
  }

  @AfterAll
  static void stopCa() {
    pebble.close();
  }

  @BeforeEach
  void start() throws Exception {
    doContract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml")
        .validating(digitalOcean, List.of("/v2/account"));
    doServer.setDispatcher(doContract);
    doServer.start(InetAddress.getByName("127.0.0.1"), 0);
    netlifyContract = ContractValidator.forSpec("netlify/swagger.yml").validating(netlify);
    netlifyServer.setDispatcher(netlifyContract);
    netlifyServer.start(InetAddress.getByName("127.0.0.1"), 0);
    ArrayNode rules = new ObjectMapper().createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", "").put("tls_passthrough", false);
    digitalOcean.addLoadBalancer(LB, null, rules);
    netlify.addSite(SITE, "a.test");
    nginx = NginxProcess.start(tmp.resolve("nginx"), served);
    dns = FakeDnsServer.start().zone("a.test", "127.0.0.1.");
    Files.createDirectories(tmp.resolve("out"));
  }

  @AfterEach
  void stop() {
    nginx.close();
    dns.close();
    doServer.close();
    netlifyServer.close();
    doContract.assertNoViolations();
    netlifyContract.assertNoViolations();
  }

  private CliRun doctor(Path cfg, String... more) {
    Environment env = Environment.system().withSecrets(ReferenceSecrets.withEnvironment(
        Map.of("DO_TOKEN", DO_TOKEN, "NETLIFY_TOKEN", NETLIFY_TOKEN, "EAB_HMAC", HMAC)));
    List<String> args = new ArrayList<>(List.of("doctor", "--config", cfg.toString(), "--resolver",
        "127.0.0.1:" + dns.port(), "--name-server-port", String.valueOf(dns.port()), "--timeout", "30s"));
    args.addAll(List.of(more));
    return CliRun.of(env, args.toArray(String[]::new));
  }

  private Path config(String doToken, String profile) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    List<String> lines = new ArrayList<>(List.of(
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [a.test, www.a.test]",
        "    issuer:",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      profile: " + profile,
        "      eab: {keyId: " + KID + ", hmacKey: '${env:EAB_HMAC}'}",
        "      http: {port: 80}"));
    lines.addAll(TargetsYaml.all(tmp.resolve("out"), doToken, LB, doServer, SITE, netlifyServer, nginx));
    lines.add("");
    Files.writeString(cfg, String.join("\n", lines));
    return cfg;
  }

  private void assertNothingChangedAndNoSecretShown(CliRun r, Map<String, String> treeBefore) throws Exception {
    for (String s : SECRETS) {
      assertThat(r.out()).doesNotContain(s);
      assertThat(r.err()).doesNotContain(s);
    }
    assertThat(tmp.resolve("store")).doesNotExist();
    assertThat(Cli.tree(tmp)).isEqualTo(treeBefore);
    assertThat(digitalOcean.calls).isNotEmpty().allMatch(c -> c.startsWith("GET "));
    assertThat(netlify.calls).isNotEmpty().allMatch(c -> c.startsWith("GET "));
    assertThat(pebble.ordersPlaced()).isZero();
  }

  @Test
  void aSetUpReadyForGoLiveIsAllOkAndExitsZeroChangingNothing() throws Exception {
    Path cfg = config("${env:DO_TOKEN}", "shortlived");
    dns.add(new CAARecord(FakeDnsServer.name("www.a.test"), DClass.IN, 60, 0, "issue",
        "pebble.letsencrypt.org; validationmethods=http-01"));
    Map<String, String> before = Cli.tree(tmp);

    CliRun r = doctor(cfg);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).doesNotContain("fail ").doesNotContain("fix:");
    assertThat(r.out()).contains(
        "ok   config " + cfg + ": secrets: all 3 secret reference(s) resolve",
        "ok   ca " + pebble.directoryUrl() + ": external account binding: required and configured (key id kid-doctor)",
        "ok   ca " + pebble.directoryUrl() + ": profile: shortlived is offered",
        "ok   name a.test: CAA: no CAA record at a.test or above: any CA may issue",
        "ok   name www.a.test: CAA: CAA issue at www.a.test allows pebble.letsencrypt.org with "
            + "{validationmethods=http-01}",
        "ok   name www.a.test: DNSSEC: not signed (no DS record for a.test)",
        "ok   target files: folder: " + tmp.resolve("out") + " is writable",
        "ok   target lb: forwarding rules: https 443",
        "ok   target docs: custom domain: a.test is one of the certificate's names",
        "ok   target web: frontend local config test: `" + nginx.command("-t") + "` passes",
        "ok   target hook: checks: this kind of target (ExecTarget, certificate www) has nothing to check");
    assertThat(r.out()).containsPattern("\\d+ ok, 0 warn, 0 fail\n$");
    assertThat(r.err()).contains("certferry: checking ca " + pebble.directoryUrl(), "certferry: checking target lb",
        "certferry: target lb: ok");
    assertNothingChangedAndNoSecretShown(r, before);
    assertThat(dns.questions()).contains("CAA a.test.", "CAA www.a.test.");
  }

  @Test
  void failuresExitOneAndEachSaysHowToFixIt() throws Exception {
    Path cfg = config("${env:NETLIFY_TOKEN}", "longlived"); // the wrong account's token, a profile nobody offers
    dns.add(new CAARecord(FakeDnsServer.name("a.test"), DClass.IN, 60, 0, "issue", "sectigo.com"));
    Map<String, String> before = Cli.tree(tmp);

    CliRun r = doctor(cfg);

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("fail ca " + pebble.directoryUrl() + ": profile: profile longlived is not offered",
        "     fix: set profile: to one of default, shortlived",
        "fail target lb: token ${env:NETLIFY_TOKEN}: DigitalOcean: cannot read the account",
        "     fix: create a token with read and write scope");
    assertThat(r.out()).contains("fail name www.a.test: CAA: CAA issue at a.test allows only sectigo.com; the CA "
        + "(pebble.letsencrypt.org) would refuse to issue",
        "     fix: add or fix the record at the DNS provider: a.test CAA 0 issue \"pebble.letsencrypt.org\"");
    assertNothingChangedAndNoSecretShown(r, before);
  }

  @Test
  void jsonHasOneObjectWithTheCountsAndEveryResult() throws Exception {
    Path cfg = config("${env:NETLIFY_TOKEN}", "shortlived");
    Map<String, String> before = Cli.tree(tmp);

    CliRun r = doctor(cfg, "--json");

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.path("ok").asBoolean(true)).isFalse();
    assertThat(doc.path("counts").path("fail").asInt()).isEqualTo(1);
    long listed = 0;
    for (JsonNode x : doc.path("results")) {
      listed++;
      assertThat(x.fieldNames()).toIterable().containsExactly("check", "subject", "status", "message", "fix");
      assertThat(x.path("status").asText()).isIn("ok", "warn", "fail");
      assertThat(x.path("fix").isNull()).isEqualTo(x.path("status").asText().equals("ok"));
    }
    assertThat(listed).isEqualTo(doc.path("counts").path("ok").asLong() + doc.path("counts").path("warn").asLong()
        + doc.path("counts").path("fail").asLong());
    assertThat(doc.path("results").findValuesAsText("check")).contains("target lb", "ca " + pebble.directoryUrl());
    assertNothingChangedAndNoSecretShown(r, before);
  }

  @Test
  void aBadConfigOrAMissingSecretExitsTwoWithWhereAndNothingIsChecked() throws Exception {
    Path bad = tmp.resolve("bad.yaml");
    Files.writeString(bad, "certificates:\n  - name: www\n    domains: [a.test]\n    issuer: {type: acme, sever: x}\n");
    CliRun r = doctor(bad);
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(bad + ":4:");

    Path cfg = config("${env:NO_SUCH_TOKEN}", "shortlived");
    CliRun missing = doctor(cfg);
    assertThat(missing.code()).as(missing.toString()).isEqualTo(2);
    assertThat(missing.err()).contains("NO_SUCH_TOKEN");
    assertThat(missing.out()).isEmpty();
    assertThat(digitalOcean.calls).isEmpty();
  }
}
