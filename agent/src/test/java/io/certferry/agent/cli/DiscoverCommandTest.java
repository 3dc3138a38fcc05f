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
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.PemWriter;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certferry discover}: every target asked what it serves before Certferry deploys anything (a bought
 * certificate on the load balancer, Netlify, a real nginx and a folder), and afterwards, when each serves a
 * Certferry version. Reads only: the fakes see GETs.
 */
class DiscoverCommandTest {
  private static final String DO_TOKEN = "dop_v1_9999888877776666555544443333aaaa";
  private static final String NETLIFY_TOKEN = "nfp_1111222233334444555566667777aaaa";
  private static final String LB = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";
  private static final List<String> NAMES = List.of("a.test", "www.a.test");
  @TempDir Path tmp;
  private final TestPki.Ca bought = TestPki.root("Bought Root").intermediate("Sectigo-like DV CA");
  private final CertificateBundle old = bought.leaf(NAMES);
  private final MockWebServer doServer = new MockWebServer();
  private final MockWebServer netlifyServer = new MockWebServer();
  private final FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
  private final FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
  private ContractValidatingDispatcher doContract;
  private ContractValidatingDispatcher netlifyContract;
  private NginxProcess nginx;

  @BeforeEach
  void start() throws Exception {
    doContract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(digitalOcean);
    doServer.setDispatcher(doContract);
    doServer.start(InetAddress.getByName("127.0.0.1"), 0);
    netlifyContract = ContractValidator.forSpec("netlify/swagger.yml").validating(netlify);
    netlifyServer.setDispatcher(netlifyContract);
    netlifyServer.start(InetAddress.getByName("127.0.0.1"), 0);
    nginx = NginxProcess.start(tmp.resolve("nginx"), old);
    // The bought certificate, uploaded by hand to the load balancer and to Netlify, and in the folder.
    String uploaded = digitalOcean.addCertificate("bought-2026", "custom", Fingerprints.sha1(old.leaf()))
        .put("not_after", old.notAfter().toString()).get("id").asText();
    digitalOcean.certificates.get(uploaded).putArray("dns_names").add("a.test").add("www.a.test");
    ArrayNode rules = new ObjectMapper().createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", uploaded).put("tls_passthrough", false);
    digitalOcean.addLoadBalancer(LB, null, rules);
    netlify.addSite(SITE, "a.test");
    netlify.served.put(SITE, old.leaf());
    Files.createDirectories(tmp.resolve("out"));
    Files.writeString(tmp.resolve("out/cert.pem"), PemWriter.certificates(List.of(old.leaf())));
  }

  @AfterEach
  void stop() {
    nginx.close();
    doServer.close();
    netlifyServer.close();
    doContract.assertNoViolations();
    netlifyContract.assertNoViolations();
  }

  CliRun certferry(String... args) {
    return CliRun.of(Environment.system().withSecrets(ReferenceSecrets.withEnvironment(
        Map.of("DO_TOKEN", DO_TOKEN, "NETLIFY_TOKEN", NETLIFY_TOKEN))), args);
  }

  Path config(String doToken) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    List<String> lines = new ArrayList<>(List.of(
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [a.test, www.a.test]",
        "    issuer: {type: local}"));
    lines.addAll(TargetsYaml.all(tmp.resolve("out"), doToken, LB, doServer, SITE, netlifyServer, nginx));
    lines.add("");
    Files.writeString(cfg, String.join("\n", lines));
    return cfg;
  }

  @Test
  void beforeTheFirstDeployEveryPlaceTheBoughtCertificateSitsIsListed() throws Exception {
    Path cfg = config("${env:DO_TOKEN}");

    CliRun r = certferry("discover", "--config", cfg.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains(
        "www -> files: " + tmp.resolve("out/cert.pem"),
        "www -> lb: load balancer " + LB + " (https 443)",
        "custom certificate bought-2026",
        "www -> docs: Netlify site " + SITE + " (a.test)",
        "www -> web: frontend local (127.0.0.1:" + nginx.port() + ")",
        "issuer O=Certferry Test,CN=Sectigo-like DV CA",
        "sha256 " + old.sha256(),
        "not a Certferry version: the first deploy replaces it",
        "www -> hook: cannot tell: this kind of target cannot tell what it serves (ExecTarget)");
    assertThat(r.out()).doesNotContain("Certferry version 1");
    assertThat(digitalOcean.calls).allMatch(c -> c.startsWith("GET "));
    assertThat(netlify.calls).allMatch(c -> c.startsWith("GET "));
    assertThat(tmp.resolve("store")).doesNotExist();
  }

  @Test
  void afterADeployEachTargetServesTheCurrentCertferryVersionAndJsonSaysSo() throws Exception {
    Path cfg = config("${env:DO_TOKEN}");
    CliRun once = certferry("run", "--once", "--config", cfg.toString());
    assertThat(once.code()).as(once.toString()).isZero();

    CliRun r = certferry("discover", "--json", "--config", cfg.toString());

    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode all = new ObjectMapper().readTree(r.out());
    for (String target : List.of("files", "lb", "docs", "web")) {
      JsonNode e = find(all, target);
      assertThat(e.path("certferryVersion").asInt()).as(target + ": " + e).isEqualTo(1);
      assertThat(e.path("current").asBoolean()).as(target).isTrue();
      assertThat(e.path("notAfter").asText()).as(target).isNotEmpty();
    }
    assertThat(find(all, "web").path("issuer").asText()).contains("Certferry Local CA");
    assertThat(find(all, "hook").path("error").asText()).contains("cannot tell");
  }

  @Test
  void aRefusedTokenIsReportedForItsTargetAndExitsOne() throws Exception {
    digitalOcean.certificates.clear();
    Path cfg = config("${env:NETLIFY_TOKEN}"); // the wrong account's token

    CliRun r = certferry("discover", "--config", cfg.toString());

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).contains("www -> lb: could not be asked: DigitalOcean: cannot read load balancer " + LB)
        .contains("is invalid, expired or revoked");
    assertThat(r.out()).doesNotContain(NETLIFY_TOKEN);
    assertThat(r.out()).contains("www -> docs: Netlify site " + SITE);
  }

  private static JsonNode find(JsonNode all, String target) {
    for (JsonNode e : all) {
      if (e.path("target").asText().equals(target)) {
        return e;
      }
    }
    throw new AssertionError("no entry for " + target + " in " + all);
  }
}
