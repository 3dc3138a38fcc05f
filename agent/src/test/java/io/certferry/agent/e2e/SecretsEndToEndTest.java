package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.agent.run.AgentHttpServer;
import io.certferry.agent.run.AgentMetrics;
import io.certferry.agent.run.AgentState;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.EchoDispatcher;
import io.certferry.core.testing.EchoDispatcher.Mode;
import io.certferry.core.testing.LogCapture;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.SecretScan;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.dnsimple.FakeDnsimple;
import io.certferry.provider.netlify.FakeNetlify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's echo-everything test through the agent's real entry: {@code certferry run --once} with
 * every provider (DNSimple for dns-01 against Pebble, DigitalOcean load balancer and CDN, Netlify)
 * and every notifier (a Slack-style webhook URL, SendGrid) pointed at servers that quote back
 * everything they receive. For each kind of answer, no part of any secret may appear in the status
 * table, stderr, anything logged, {@code deployments.json}, {@code state.json}, {@code /status},
 * {@code /metrics} or the alert bodies the notifiers sent.
 */
class SecretsEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DO_TOKEN = "dop_v1_agentEcho0123456789abcdef0123456789abcdef0123456789abcdefAB";
  private static final String NETLIFY_TOKEN = "nfp_agentEchoSecret9876543210ZYXWVUTSRQ";
  private static final String SENDGRID_KEY = "SG.agentEchoKeyId.agentEchoSecretPart-0123456789";
  private static final String HOOK_SECRET = "T0AGENTAA/B0AGENTBB/agentHookSecret1q2w3e4r5t6y";
  private static final String LB_ID = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String CDN_ID = "19f06b6a-3ace-4315-b086-499a0e521b76";
  private static final String SITE_ID = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";

  @TempDir
  Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();

  /** One kind of hostile answer, to every request or only to the writes that carry the key. */
  record Pass(Mode mode, boolean onlyWrites) {
    Predicate<RecordedRequest> which() { return onlyWrites ? EchoDispatcher::write : r -> true; }

    @Override
    public String toString() { return mode + (onlyWrites ? " to writes" : " to everything"); }
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void noPartOfAnySecretReachesAnythingTheAgentShowsOrStores() throws Exception {
    try (PebbleServer pebble = PebbleServer.start();
         MockWebServer doServer = new MockWebServer();
         MockWebServer netlifyServer = new MockWebServer();
         MockWebServer dnsimpleServer = new MockWebServer();
         MockWebServer notifyServer = new MockWebServer()) {
      FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
      digitalOcean.releaseLag = 0;
      digitalOcean.activeAfterGets = 0;
      String old = digitalOcean.addCertificate("bought-by-hand", "custom", "cc".repeat(20)).get("id").asText();
      ArrayNode rules = JSON.createArrayNode();
      rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
          .put("target_port", 80).put("certificate_id", old).put("tls_passthrough", false);
      digitalOcean.addLoadBalancer(LB_ID, null, rules);
      digitalOcean.addCdnEndpoint(CDN_ID, "media.example.org", null);
      FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
      netlify.addSite(SITE_ID, "docs.example.org");
      FakeDnsimple dnsimple = new FakeDnsimple(1010, true).zone("example.org");
      EchoDispatcher doEcho = new EchoDispatcher(digitalOcean);
      EchoDispatcher netlifyEcho = new EchoDispatcher(netlify);
      EchoDispatcher dnsimpleEcho = new EchoDispatcher(dnsimple);
      EchoDispatcher notifyEcho = new EchoDispatcher(null);
      ContractValidatingDispatcher doContract =
          ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(doEcho);
      ContractValidatingDispatcher netlifyContract = ContractValidator.forSpec("netlify/swagger.yml").validating(netlifyEcho);
      start(doServer, doContract);
      start(netlifyServer, netlifyContract);
      start(dnsimpleServer, dnsimpleEcho);
      start(notifyServer, notifyEcho);
      Secrets secrets = ReferenceSecrets.withEnvironment(Map.of("DIGITALOCEAN_TOKEN", DO_TOKEN,
          "NETLIFY_TOKEN", NETLIFY_TOKEN, "DNSIMPLE_TOKEN", FakeDnsimple.TOKEN, "SENDGRID_API_KEY", SENDGRID_KEY,
          "SLACK_WEBHOOK_URL", notifyServer.url("/services/" + HOOK_SECRET).toString()));

      List<Pass> passes = Stream.of(Mode.JSON_ERROR, Mode.TEXT_ERROR, Mode.GARBAGE_200, Mode.JSON_200, Mode.RATE_LIMITED)
          .flatMap(m -> Stream.of(new Pass(m, true), new Pass(m, false))).toList();
      for (Pass pass : passes) {
        for (EchoDispatcher e : List.of(doEcho, netlifyEcho, dnsimpleEcho, notifyEcho)) {
          e.mode(pass.mode()).echoing(pass.which());
        }
        int alertsBefore = notifyEcho.received().size();
        Path store = tmp.resolve("store-" + passes.indexOf(pass));
        Path cfg = writeConfig(store, pebble, doServer, netlifyServer, dnsimpleServer, notifyServer);
        Map<String, String> seen = new LinkedHashMap<>();
        try (LogCapture logs = LogCapture.start()) {
          // The second pass finds the failures of the first older than the threshold and alerts them.
          for (int run = 1; run <= 2; run++) {
            CliRun r = certferry(secrets, "run", "--once", "--config", cfg.toString());
            assertThat(r.code()).as(pass + ": " + r).isEqualTo(1);
            seen.put("status table, run " + run, r.out());
            seen.put("stderr, run " + run, r.err());
          }
          seen.putAll(statusAndMetrics(cfg, secrets));
          seen.put("logs", logs.text());
        }
        seen.putAll(storeFiles(store));
        List<RecordedRequest> alerts = notifyEcho.received().subList(alertsBefore, notifyEcho.received().size());
        assertThat(alerts).as(pass + ": alerts sent to the webhook and to SendGrid")
            .anySatisfy(a -> assertThat(a.getUrl().encodedPath()).isEqualTo("/services/" + HOOK_SECRET))
            .anySatisfy(a -> assertThat(a.getUrl().encodedPath()).isEqualTo("/v3/mail/send"));
        for (int i = 0; i < alerts.size(); i++) {
          seen.put("alert body " + i, alerts.get(i).getBody() == null ? "" : alerts.get(i).getBody().utf8());
        }
        if (pass.onlyWrites()) {
          assertThat(doEcho.received()).as(pass + ": the upload carrying the private key was sent")
              .anySatisfy(r -> assertThat(r.getBody() == null ? "" : r.getBody().utf8()).contains("PRIVATE KEY"));
        }
        assertThat(seen.get("status table, run 1")).as(pass + ": the failures are shown")
            .contains("social").contains("acme");
        SecretScan.assertNoPartOf(secrets(store), seen);
      }
      assertThat(doEcho.echoedCount()).isPositive();
      assertThat(netlifyEcho.echoedCount()).isPositive();
      assertThat(dnsimpleEcho.echoedCount()).isPositive();
      assertThat(dnsimple.violations()).as("requests the DNSimple OpenAPI description rejects").isEmpty();
    }
  }

  private static void start(MockWebServer server, mockwebserver3.Dispatcher dispatcher) throws IOException {
    server.setDispatcher(dispatcher);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  /** Every secret, the private key of the certificate the agent issued included. */
  private static Map<String, String> secrets(Path store) throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("DigitalOcean token", DO_TOKEN);
    s.put("Netlify token", NETLIFY_TOKEN);
    s.put("DNSimple token", FakeDnsimple.TOKEN);
    s.put("SendGrid API key", SENDGRID_KEY);
    s.put("webhook URL path", HOOK_SECRET);
    s.put("social's private key", Files.readString(store.resolve("certs/social/versions/1/key.pem")));
    return s;
  }

  /** Every JSON file the store keeps per lineage: deployments.json, state.json, spec.json, meta.json. */
  private static Map<String, String> storeFiles(Path store) throws IOException {
    Map<String, String> files = new LinkedHashMap<>();
    try (Stream<Path> all = Files.walk(store.resolve("certs"))) {
      for (Path p : all.filter(p -> p.toString().endsWith(".json")).toList()) {
        files.put(store.relativize(p).toString(), Files.readString(p));
      }
    }
    assertThat(files).containsKeys("certs/social/deployments.json", "certs/acme/state.json");
    return files;
  }

  /** The agent's /status and /metrics after a pass over the same store, as the daemon serves them. */
  private Map<String, String> statusAndMetrics(Path cfg, Secrets secrets) throws Exception {
    ConfigLoader loader = ConfigLoader.withInstalledProviders(secrets);
    AgentConfig c = loader.load(cfg);
    FileStore store = FileStore.open(c.store());
    AgentMetrics metrics = new AgentMetrics();
    AgentState state = new AgentState();
    try (CertManager m = AgentAssembly.build(c, store, Environment.system().withSecrets(secrets), List.of(metrics),
        line -> { });
         AgentHttpServer server = AgentHttpServer.start("127.0.0.1", 0, state, metrics, store, Clock.systemUTC())) {
      ReconcileReport r = m.reconcile();
      metrics.update(r);
      return Map.of("/status", get(server, "/status"), "/metrics", get(server, "/metrics"));
    }
  }

  private String get(AgentHttpServer s, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** {@code certferry ARGS} in-process, as FullChainEndToEndTest runs it, with this test's secrets. */
  private static CliRun certferry(Secrets secrets, String... args) {
    return CliRun.of(Environment.system().withSecrets(secrets), args);
  }

  private static Path writeConfig(Path store, PebbleServer pebble, MockWebServer doServer, MockWebServer netlifyServer,
                                  MockWebServer dnsimpleServer, MockWebServer notifyServer) throws IOException {
    String doTarget = "token: '${env:DIGITALOCEAN_TOKEN}', apiUrl: '" + doServer.url("/") + "', lineage: social, "
        + "verify: false, ";
    Path cfg = Files.createDirectories(store).resolveSibling(store.getFileName() + ".yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + store,
        "alerts: {failureThreshold: 1ms}",
        "notifications:",
        "  - {type: webhook, url: '${env:SLACK_WEBHOOK_URL}', attempts: 1}",
        "  - {type: sendgrid, apiKey: '${env:SENDGRID_API_KEY}', from: certferry@example.org, to: ops@example.org, "
            + "baseUrl: '" + notifyServer.url("/") + "', attempts: 1}",
        "certificates:",
        "  - name: social",
        "    domains: [social.example.org, media.example.org, docs.example.org]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: do-lb, type: digitalocean-lb, " + doTarget + "loadBalancerId: " + LB_ID + "}",
        "      - {id: do-cdn, type: digitalocean-cdn, " + doTarget + "endpointId: " + CDN_ID
            + ", customDomain: media.example.org}",
        "      - {id: netlify-docs, type: netlify, token: '${env:NETLIFY_TOKEN}', apiUrl: '"
            + netlifyServer.url("/api/v1") + "', siteId: " + SITE_ID + ", verify: false}",
        "  - name: acme",
        "    domains: ['*.example.org']",
        "    issuer:",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      email: ops@example.org",
        "      challenge: dns-01",
        "      dnsProvider: {type: dnsimple, token: '${env:DNSIMPLE_TOKEN}', baseUrl: '" + dnsimpleServer.url("/v2") + "'}",
        "      propagationServers: ['127.0.0.1:" + pebble.dnsAddress().getPort() + "']",
        ""));
    return cfg;
  }
}
