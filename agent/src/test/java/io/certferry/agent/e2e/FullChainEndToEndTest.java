package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.certferry.agent.Environment;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.agent.run.RunCommand;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.RequiredTools;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.Fingerprints;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.dnsimple.DnsimpleTestServer;
import io.certferry.provider.dnsimple.FakeDnsimple;
import io.certferry.provider.netlify.FakeNetlify;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain of issue 5 through the agent's real entry, {@code certferry run --once} (picocli, config
 * validation, assembly, status table, exit code), with every part real or contract-validated: Pebble issues
 * a wildcard certificate over dns-01 through the {@code dnsimple} provider talking to the DNSimple fake
 * (which mirrors its TXT records into pebble-challtestsrv, the DNS Pebble asks) and a second certificate
 * over http-01; the first goes to a DigitalOcean load balancer and CDN endpoint and a Netlify site (fakes
 * checking every request against the official OpenAPI files) and to a real nginx, the second to the same
 * nginx. Each cloud target's {@code verify()} handshakes with a local "edge" serving whatever the fake
 * holds at that moment. Pebble is pebble-ari, with ARI: from an empty store to every target verified;
 * then the CA moves both renewal windows into the past and the whole chain runs again, with replaces.
 */
class FullChainEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DO_TOKEN = "dop_v1_e2e0123456789abcdef0123456789abcdef";
  private static final String NETLIFY_TOKEN = "nfp_e2e0123456789abcdefABCDEF012345";
  private static final String LB_ID = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String CDN_ID = "19f06b6a-3ace-4315-b086-499a0e521b76";
  private static final String SITE_ID = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";

  @TempDir
  Path tmp;

  private final HttpClient http = HttpClient.newHttpClient();
  private final Secrets secrets = ReferenceSecrets.withEnvironment(Map.of("DNSIMPLE_TOKEN", FakeDnsimple.TOKEN,
      "DIGITALOCEAN_TOKEN", DO_TOKEN, "NETLIFY_TOKEN", NETLIFY_TOKEN));
  private final MutableClock clock = new MutableClock(Instant.now());

  /** {@code certferry ARGS} in-process; {@code run} gets this test's clock and secrets, all else is as shipped. */
  CliRun certferry(String... args) {
    return CliRun.of(Environment.system().withClock(clock).withSecrets(secrets), args);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS) // the agent's clock is frozen: a wait that never ends must not hang CI
  void fromEmptyStoreToEveryTargetVerifiedThenRenewalMovesEveryTarget() throws Exception {
    RequiredTools.require("nginx");
    try (PebbleServer pebble = PebbleServer.builder().ari().start();
         DnsimpleTestServer dnsimple = new DnsimpleTestServer(new FakeDnsimple(1010, true).zone("example.org"));
         MockWebServer doServer = new MockWebServer();
         MockWebServer netlifyServer = new MockWebServer()) {
      FakeDnsimple dns = dnsimple.fake;
      dns.mirrorInto(new ChallTestSrvDnsProvider(pebble.challTestSrvUrl()), List.of("example.org"), v -> v);

      // DigitalOcean: a load balancer whose TLS rules use a certificate someone uploaded by hand, a CDN endpoint
      // with a custom domain and no certificate yet. The fake's clock is the real one: its CDN limit of
      // 5 requests per 10 s then holds against the client's own limiter, which runs on real time too.
      FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
      digitalOcean.releaseLag = 0; // the provider's own tests cover DigitalOcean's 403 lag (and its real pauses)
      digitalOcean.activeAfterGets = 0;
      String byHand = digitalOcean.addCertificate("bought-by-hand", "custom", "cc".repeat(20)).get("id").asText();
      digitalOcean.addLoadBalancer(LB_ID, null, rules(byHand));
      digitalOcean.addCdnEndpoint(CDN_ID, "media.example.org", null);
      ContractValidatingDispatcher doContract =
          ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(digitalOcean);
      doServer.setDispatcher(doContract);
      doServer.start(InetAddress.getByName("127.0.0.1"), 0);

      FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
      netlify.addSite(SITE_ID, "docs.example.org");
      ContractValidatingDispatcher netlifyContract = ContractValidator.forSpec("netlify/swagger.yml").validating(netlify);
      netlifyServer.setDispatcher(netlifyContract);
      netlifyServer.start(InetAddress.getByName("127.0.0.1"), 0);

      int nginxPort = PebbleServer.freePort();
      Path prefix = tmp.resolve("nginx");
      Process nginx = startNginx(prefix, nginxPort);
      try (FakeEdgeTlsServer lbEdge = FakeEdgeTlsServer.serving(() -> doEdge(digitalOcean, "lb"));
           FakeEdgeTlsServer cdnEdge = FakeEdgeTlsServer.serving(() -> doEdge(digitalOcean, "cdn"));
           FakeEdgeTlsServer netlifyEdge = FakeEdgeTlsServer.serving(() -> netlifyEdge(netlify))) {
        Path cfg = writeConfig(pebble, dnsimple, doServer, netlifyServer, prefix, nginxPort, lbEdge, cdnEdge, netlifyEdge);
        Path storeDir = tmp.resolve("store");

        // 1. From an empty store: issue both, deploy everywhere, verify everywhere.
        CliRun first = certferry("run", "--once", "--config", cfg.toString());
        assertThat(first.code()).as(first.toString()).isZero();
        assertThat(first.out()).contains("social", "4/4 in sync, new version 1", "www", "2/2 in sync, new version 1",
            "All certificates valid, all targets in sync.");
        FileStore store = FileStore.open(storeDir);
        StoredVersion social1 = store.current("social").orElseThrow();
        StoredVersion www1 = store.current("www").orElseThrow();
        assertThat(social1.domains()).containsExactlyInAnyOrder("example.org", "*.example.org");
        assertThat(social1.issuer()).containsIgnoringCase("pebble");
        // Both were issued in parallel for one ACME account: it was registered once, and both used it.
        assertThat(social1.details().get(AcmeIssuer.ACCOUNT_URL)).isNotBlank()
            .isEqualTo(www1.details().get(AcmeIssuer.ACCOUNT_URL));
        assertEverywhere(store, storeDir, social1, www1, nginxPort, digitalOcean, netlify);
        assertThat(dns.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(2);
        assertThat(dns.records("example.org")).as("challenge records cleaned up").isEmpty();
        assertThat(List.of(lbEdge.handshakes(), cdnEdge.handshakes(), netlifyEdge.handshakes()))
            .as("every cloud target's verify() dialed its edge").allSatisfy(n -> assertThat(n).isPositive());
        String uploaded1 = uploadedId(digitalOcean, social1);
        assertThat(digitalOcean.certificates).as("a certificate uploaded by hand is never deleted").containsKey(byHand);

        // 2. The CA moves both renewal windows into the past (as ahead of a mass revocation): once the agent
        // asks again, after the CA's Retry-After, it renews both at once, and every target moves.
        long doPosts = digitalOcean.count("POST");
        long netlifyPosts = netlify.count("POST");
        CliRun none = certferry("run", "--once", "--config", cfg.toString());
        assertThat(none.code()).as(none.toString()).isZero();
        assertThat(none.out()).as("nothing due yet").doesNotContain("new version");
        assertThat(digitalOcean.count("POST")).as("in sync: nothing uploaded again").isEqualTo(doPosts);
        assertThat(netlify.count("POST")).isEqualTo(netlifyPosts);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (String name : List.of("social", "www")) {
          pebble.setRenewalInfo(store.load(name, 1).leaf(), "{\"suggestedWindow\": {\"start\": \""
              + now.minus(Duration.ofDays(2)) + "\", \"end\": \"" + now.minus(Duration.ofDays(1)) + "\"}}");
        }
        clock.set(later(store.state("social").ari().nextPoll(), store.state("www").ari().nextPoll()).plusSeconds(60));
        int edgeHandshakes = lbEdge.handshakes() + cdnEdge.handshakes() + netlifyEdge.handshakes();
        CliRun second = certferry("run", "--once", "--config", cfg.toString());
        assertThat(second.code()).as(second.toString()).isZero();
        assertThat(second.out()).contains("4/4 in sync, new version 2", "2/2 in sync, new version 2",
            "All certificates valid, all targets in sync.");
        StoredVersion social2 = store.current("social").orElseThrow();
        StoredVersion www2 = store.current("www").orElseThrow();
        assertThat(social2.number()).isEqualTo(2);
        assertThat(www2.number()).isEqualTo(2);
        assertThat(social2.sha256()).isNotEqualTo(social1.sha256());
        assertThat(www2.sha256()).isNotEqualTo(www1.sha256());
        assertThat(social2.details()).containsEntry(AcmeIssuer.REPLACES, social1.details().get("ariCertId"));
        assertThat(www2.details()).containsEntry(AcmeIssuer.REPLACES, www1.details().get("ariCertId"));
        assertEverywhere(store, storeDir, social2, www2, nginxPort, digitalOcean, netlify);
        assertThat(lbEdge.handshakes() + cdnEdge.handshakes() + netlifyEdge.handshakes()).isGreaterThan(edgeHandshakes);
        String uploaded2 = uploadedId(digitalOcean, social2);
        assertThat(uploaded2).isNotEqualTo(uploaded1);
        assertThat(digitalOcean.certificates).as("our old upload is deleted once nothing uses it")
            .doesNotContainKey(uploaded1).containsKeys(uploaded2, byHand);
        assertThat(dns.requests()).filteredOn(r -> r.getMethod().equals("POST")).hasSize(4);
        assertThat(dns.records("example.org")).isEmpty();

        doContract.assertNoViolations();
        netlifyContract.assertNoViolations();
        assertThat(dns.violations()).as("requests the DNSimple OpenAPI description rejects").isEmpty();
      } finally {
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
          nginx.destroyForcibly();
        }
      }
    }
  }

  /** The store, the status JSON, the fakes and nginx all hold {@code social} and {@code www} at these versions. */
  private void assertEverywhere(FileStore store, Path storeDir, StoredVersion social, StoredVersion www, int nginxPort,
                                FakeDigitalOcean digitalOcean, FakeNetlify netlify) throws Exception {
    assertThat(store.deployments("social").targets()).containsOnlyKeys("do-lb", "do-cdn", "netlify-docs", "nginx-social");
    assertThat(store.deployments("www").targets()).containsOnlyKeys("nginx-www", "files");
    for (StoredVersion v : List.of(social, www)) {
      String name = v == social ? "social" : "www";
      assertThat(store.deployments(name).targets().values()).allSatisfy(d -> {
        assertThat(d.result()).isEqualTo(TargetDeployment.Result.IN_SYNC);
        assertThat(d.sha256()).isEqualTo(v.sha256());
      });
    }
    CliRun list = certferry("list", "--json", "--store", storeDir.toString());
    assertThat(list.code()).as(list.toString()).isZero();
    JsonNode all = JSON.readTree(list.out());
    assertThat(all).hasSize(2);
    for (JsonNode c : all) {
      StoredVersion v = c.path("name").asText().equals("social") ? social : www;
      assertThat(c.path("state").asText()).isEqualTo("valid");
      assertThat(c.path("sha256").asText()).isEqualTo(v.sha256());
      assertThat(c.path("targets")).hasSize(v == social ? 4 : 2)
          .allSatisfy(t -> assertThat(t.path("state").asText()).as(t.toString()).isEqualTo("in-sync"));
    }

    // DigitalOcean: the TLS rules and the CDN endpoint use the upload whose SHA-1 is the new leaf's.
    String id = uploadedId(digitalOcean, social);
    JsonNode upload;
    JsonNode lbRules;
    JsonNode cdn;
    synchronized (digitalOcean) {
      upload = digitalOcean.certificates.get(id).deepCopy();
      lbRules = digitalOcean.loadBalancers.get(LB_ID).get("forwarding_rules").deepCopy();
      cdn = digitalOcean.cdnEndpoints.get(CDN_ID).deepCopy();
    }
    X509Certificate uploadedLeaf = leaf(digitalOcean, id);
    assertThat(Fingerprints.sha256(uploadedLeaf)).isEqualTo(social.sha256());
    assertThat(upload.path("sha1_fingerprint").asText()).isEqualTo(Fingerprints.sha1(uploadedLeaf));
    assertThat(upload.path("name").asText()).isEqualTo("certferry-social-" + social.serial().toLowerCase(Locale.ROOT));
    assertThat(lbRules.get(0).path("certificate_id").asText()).isEqualTo(id);
    assertThat(lbRules.get(1).path("certificate_id").asText()).as("the plain-http rule keeps no certificate").isEmpty();
    assertThat(lbRules.get(2).path("certificate_id").asText()).isEqualTo(id);
    assertThat(cdn.path("certificate_id").asText()).isEqualTo(id);
    assertThat(cdn.path("custom_domain").asText()).isEqualTo("media.example.org");
    assertThat(cdn.path("ttl").asInt()).as("the CDN TTL is kept").isEqualTo(86400);

    synchronized (netlify) {
      assertThat(Fingerprints.sha256(netlify.served.get(SITE_ID))).isEqualTo(social.sha256());
    }

    TlsProbe probe = TlsProbe.withDefaults();
    assertThat(probe.servedFingerprint("127.0.0.1", nginxPort, "social.example.org")).isEqualTo(social.sha256());
    assertThat(probe.servedFingerprint("127.0.0.1", nginxPort, "www.e2e.test")).isEqualTo(www.sha256());
    assertThat(Fingerprints.sha256(CertificateReader.read(tmp.resolve("www-files/cert.pem")).get(0))).isEqualTo(www.sha256());
  }

  /** The id of the one certificate in the DigitalOcean fake carrying this version's leaf. */
  private static String uploadedId(FakeDigitalOcean digitalOcean, StoredVersion v) throws Exception {
    List<String> ids = new ArrayList<>();
    synchronized (digitalOcean) {
      for (Map.Entry<String, JsonNode> e : digitalOcean.uploads.entrySet()) {
        if (digitalOcean.certificates.containsKey(e.getKey())
            && Fingerprints.sha256(parse(e.getValue().path("leaf_certificate").asText()).get(0)).equals(v.sha256())) {
          ids.add(e.getKey());
        }
      }
    }
    assertThat(ids).as("uploads of version " + v.number() + " (one, shared by the LB and CDN targets)").hasSize(1);
    return ids.get(0);
  }

  private static X509Certificate leaf(FakeDigitalOcean digitalOcean, String id) throws Exception {
    synchronized (digitalOcean) {
      return parse(digitalOcean.uploads.get(id).path("leaf_certificate").asText()).get(0);
    }
  }

  private static List<X509Certificate> parse(String pem) throws Exception {
    return CertificateReader.read("upload", pem.getBytes(StandardCharsets.US_ASCII));
  }

  /** What DigitalOcean's edge serves: the upload the LB's https rule (or the CDN endpoint) points at. */
  private static Optional<FakeEdgeTlsServer.Served> doEdge(FakeDigitalOcean fake, String which) {
    synchronized (fake) {
      JsonNode owner = which.equals("lb") ? fake.loadBalancers.get(LB_ID).path("forwarding_rules").get(0)
          : fake.cdnEndpoints.get(CDN_ID);
      JsonNode upload = fake.uploads.get(owner.path("certificate_id").asText(""));
      return upload == null ? Optional.empty() : Optional.of(new FakeEdgeTlsServer.Served(
          upload.path("leaf_certificate").asText(), upload.path("certificate_chain").asText(""),
          upload.path("private_key").asText()));
    }
  }

  private static Optional<FakeEdgeTlsServer.Served> netlifyEdge(FakeNetlify fake) {
    synchronized (fake) {
      Map<String, String> u = fake.uploads.get(SITE_ID);
      return u == null ? Optional.empty()
          : Optional.of(new FakeEdgeTlsServer.Served(u.get("certificate"), u.get("ca_certificates"), u.get("key")));
    }
  }

  private static ArrayNode rules(String certId) {
    ArrayNode rules = JSON.createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", certId).put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http").put("entry_port", 80).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", "").put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http2").put("entry_port", 8443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", certId).put("tls_passthrough", false);
    return rules;
  }

  private Path writeConfig(PebbleServer pebble, DnsimpleTestServer dnsimple, MockWebServer doServer,
                           MockWebServer netlifyServer, Path prefix, int nginxPort, FakeEdgeTlsServer lbEdge,
                           FakeEdgeTlsServer cdnEdge, FakeEdgeTlsServer netlifyEdge) throws Exception {
    String nginxCmd = "nginx -p " + prefix + " -c " + prefix.resolve("nginx.conf");
    String acme = String.join("\n",
        "      type: acme",
        "      server: " + pebble.directoryUrl(),
        "      serverCa: " + pebble.serverCaFile(),
        "      agreeTos: true",
        "      email: ops@example.org",
        "      profile: default");
    String doTarget = "token: '${env:DIGITALOCEAN_TOKEN}', apiUrl: '" + doServer.url("/") + "', lineage: social, "
        + "verifyHost: 127.0.0.1, ";
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "certificates:",
        "  - name: social",
        "    domains: [example.org, '*.example.org']",
        "    issuer:",
        acme,
        "      challenge: dns-01",
        "      dnsProvider: {type: dnsimple, token: '${env:DNSIMPLE_TOKEN}', baseUrl: '" + dnsimple.baseUrl() + "'}",
        "      propagationServers: ['127.0.0.1:" + pebble.dnsAddress().getPort() + "']",
        "    targets:",
        "      - {id: do-lb, type: digitalocean-lb, " + doTarget + "verifyPort: " + lbEdge.port()
            + ", serverName: social.example.org, loadBalancerId: " + LB_ID + "}",
        "      - {id: do-cdn, type: digitalocean-cdn, " + doTarget + "verifyPort: " + cdnEdge.port()
            + ", endpointId: " + CDN_ID + ", customDomain: media.example.org}",
        "      - {id: netlify-docs, type: netlify, token: '${env:NETLIFY_TOKEN}', apiUrl: '"
            + netlifyServer.url("/api/v1") + "', siteId: " + SITE_ID + ", verifyHost: 127.0.0.1, verifyPort: "
            + netlifyEdge.port() + ", serverName: docs.example.org}",
        nginxTarget("nginx-social", prefix, "social", nginxCmd, nginxPort, "social.example.org"),
        "  - name: www",
        "    domains: [www.e2e.test]",
        "    issuer:",
        acme,
        "      challenge: http-01",
        "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}",
        "    targets:",
        nginxTarget("nginx-www", prefix, "www", nginxCmd, nginxPort, "www.e2e.test"),
        "      - {id: files, type: directory, path: " + tmp.resolve("www-files") + "}",
        ""));
    return cfg;
  }

  private static String nginxTarget(String id, Path prefix, String site, String nginxCmd, int port, String serverName) {
    return String.join("\n",
        "      - id: " + id,
        "        type: nginx",
        "        certificatePath: " + prefix.resolve("tls/" + site + "/fullchain.pem"),
        "        keyPath: " + prefix.resolve("tls/" + site + "/key.pem"),
        "        testCommand: " + nginxCmd + " -t",
        "        reloadCommand: " + nginxCmd + " -s reload",
        "        address: 127.0.0.1:" + port,
        "        serverNames: [" + serverName + "]");
  }

  /**
   * A real nginx on a free loopback port with two TLS servers (by SNI), each on placeholder files the
   * agent replaces; as PebbleNginxEndToEndTest starts it.
   */
  private static Process startNginx(Path prefix, int port) throws Exception {
    List<String> servers = new ArrayList<>();
    for (String[] site : new String[][] {{"social", "social.example.org"}, {"www", "www.e2e.test"}}) {
      Path tls = Files.createDirectories(prefix.resolve("tls/" + site[0]));
      var placeholder = TestPki.root("Placeholder " + site[0]).leaf(List.of(site[1]));
      Files.writeString(tls.resolve("fullchain.pem"), PebbleServer.pem("CERTIFICATE", placeholder.leaf().getEncoded()));
      Files.writeString(tls.resolve("key.pem"), PebbleServer.pem("PRIVATE KEY", placeholder.privateKey().getEncoded()));
      servers.addAll(List.of(
          "  server {",
          "    listen 127.0.0.1:" + port + " ssl;",
          "    server_name " + site[1] + ";",
          "    ssl_certificate " + tls.resolve("fullchain.pem") + ";",
          "    ssl_certificate_key " + tls.resolve("key.pem") + ";",
          "    location / { return 200 'ok'; }",
          "  }"));
    }
    Files.createDirectories(prefix.resolve("logs"));
    Files.createDirectories(prefix.resolve("tmp"));
    List<String> conf = new ArrayList<>(List.of(
        "daemon off;", "worker_processes 1;", "pid " + prefix.resolve("nginx.pid") + ";",
        "error_log " + prefix.resolve("logs/error.log") + ";",
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + prefix + "/tmp;", "  proxy_temp_path " + prefix + "/tmp;",
        "  fastcgi_temp_path " + prefix + "/tmp;", "  uwsgi_temp_path " + prefix + "/tmp;", "  scgi_temp_path " + prefix + "/tmp;"));
    conf.addAll(servers);
    conf.addAll(List.of("}", ""));
    Files.writeString(prefix.resolve("nginx.conf"), String.join("\n", conf));
    Process p = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end
        && TlsProbe.withDefaults().tryServedFingerprint("127.0.0.1", port, "www.e2e.test").isEmpty()) {
      LockSupport.parkNanos(50_000_000);
    }
    return p;
  }

  private static Instant later(Instant a, Instant b) { return a.isAfter(b) ? a : b; }
}
