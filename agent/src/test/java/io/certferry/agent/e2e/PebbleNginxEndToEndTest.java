package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.agent.run.AgentMetrics;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.RequiredTools;
import io.certferry.core.testing.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's whole chain with real parts: Pebble issues (http-01 and dns-01 through
 * pebble-challtestsrv), a real nginx serves, the agent deploys to it and to a folder and proves what
 * nginx serves by TLS handshake; then time moves past the renewal point and the chain runs again.
 */
class PebbleNginxEndToEndTest {
  @TempDir
  Path tmp;

  static String pem(byte[] der, String type) { return PebbleServer.pem(type, der); }

  /** A real nginx on a free loopback port serving {@code fullchain.pem}/{@code key.pem} under {@code tls}. */
  Process startNginx(Path prefix, int port) throws Exception {
    Path tls = Files.createDirectories(prefix.resolve("tls"));
    var placeholder = TestPki.root("Placeholder").leaf(List.of("www.e2e.test"));
    Files.writeString(tls.resolve("fullchain.pem"), pem(placeholder.leaf().getEncoded(), "CERTIFICATE"));
    Files.writeString(tls.resolve("key.pem"), pem(placeholder.privateKey().getEncoded(), "PRIVATE KEY"));
    Files.createDirectories(prefix.resolve("logs"));
    Files.writeString(prefix.resolve("nginx.conf"), String.join("\n",
        "daemon off;", "worker_processes 1;", "pid " + prefix.resolve("nginx.pid") + ";",
        "error_log " + prefix.resolve("logs/error.log") + ";",
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        "  client_body_temp_path " + prefix + "/tmp;", "  proxy_temp_path " + prefix + "/tmp;",
        "  fastcgi_temp_path " + prefix + "/tmp;", "  uwsgi_temp_path " + prefix + "/tmp;", "  scgi_temp_path " + prefix + "/tmp;",
        "  server {",
        "    listen 127.0.0.1:" + port + " ssl;",
        "    server_name www.e2e.test;",
        "    ssl_certificate " + tls.resolve("fullchain.pem") + ";",
        "    ssl_certificate_key " + tls.resolve("key.pem") + ";",
        "    location / { return 200 'ok'; }",
        "  }",
        "}", ""));
    Files.createDirectories(prefix.resolve("tmp"));
    Process p = new ProcessBuilder("nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
        .redirectErrorStream(true).redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end && TlsProbe.withDefaults().tryServedFingerprint("127.0.0.1", port, "www.e2e.test").isEmpty()) {
      LockSupport.parkNanos(50_000_000);
    }
    return p;
  }

  @Test
  void fromEmptyStoreToEveryTargetVerifiedThenRenewal() throws Exception {
    RequiredTools.require("nginx");
    try (PebbleServer pebble = PebbleServer.builder().ari().start()) {
      int nginxPort = PebbleServer.freePort();
      Path prefix = tmp.resolve("nginx");
      Process nginx = startNginx(prefix, nginxPort);
      try {
        String nginxCmd = "nginx -p " + prefix + " -c " + prefix.resolve("nginx.conf");
        Path cfg = tmp.resolve("agent.yaml");
        Files.writeString(cfg, String.join("\n",
            "store: " + tmp.resolve("store"),
            "certificates:",
            "  - name: www",
            "    domains: [www.e2e.test]",
            "    issuer:",
            "      type: acme",
            "      server: " + pebble.directoryUrl(),
            "      serverCa: " + pebble.serverCaFile(),
            "      agreeTos: true",
            "      email: ops@e2e.test",
            "      profile: default",
            "      challenge: http-01",
            "      http: {address: 127.0.0.1, port: " + pebble.httpPort() + "}",
            "    targets:",
            "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
            "      - id: nginx-local",
            "        type: nginx",
            "        certificatePath: " + prefix.resolve("tls/fullchain.pem"),
            "        keyPath: " + prefix.resolve("tls/key.pem"),
            "        testCommand: " + nginxCmd + " -t",
            "        reloadCommand: " + nginxCmd + " -s reload",
            "        address: 127.0.0.1:" + nginxPort,
            "        serverNames: [www.e2e.test]",
            "  - name: wild",
            "    domains: ['*.wild.e2e.test', wild.e2e.test]",
            "    issuer:",
            "      type: acme",
            "      server: " + pebble.directoryUrl(),
            "      serverCa: " + pebble.serverCaFile(),
            "      agreeTos: true",
            "      profile: default",
            "      challenge: dns-01",
            "      dnsProvider: {type: pebble-challtestsrv, url: '" + pebble.challTestSrvUrl() + "'}",
            "      propagationServers: ['127.0.0.1:" + pebble.dnsAddress().getPort() + "']",
            "    targets:",
            "      - {id: wild-files, type: directory, path: " + tmp.resolve("wild") + "}",
            ""));
        ConfigLoader loader = ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of()));
        AgentConfig c = loader.load(cfg);
        Files.createDirectories(c.store());
        FileStore store = FileStore.open(c.store());
        MutableClock clock = new MutableClock(Instant.now());
        AgentMetrics metrics = new AgentMetrics();
        try (CertManager m = AgentAssembly.build(c, store, Environment.system().withClock(clock).withSecrets(ReferenceSecrets.withEnvironment(Map.of())), List.of(metrics), line -> { })) {
          ReconcileReport first = m.reconcile();
          assertThat(first.allGood()).as(first.toString()).isTrue();
          StoredVersion v1 = store.current("www").orElseThrow();
          assertThat(v1.source()).isEqualTo("acme");
          assertThat(v1.issuer()).containsIgnoringCase("pebble");
          assertThat(TlsProbe.withDefaults().servedFingerprint("127.0.0.1", nginxPort, "www.e2e.test")).isEqualTo(v1.sha256());
          assertThat(store.current("wild").orElseThrow().domains()).contains("*.wild.e2e.test");
          // The version keeps its ARI id, and the CA's window decides its renewal point.
          assertThat(v1.details()).containsKey("ariCertId");
          assertThat(store.state("www").plan().rule()).isEqualTo("ari");

          // Time moves past the renewal point: a new order, and every target moves to it.
          clock.set(first.certificates().stream().map(cs -> cs.renewAt().orElseThrow()).max(Instant::compareTo)
              .orElseThrow().plus(Duration.ofMinutes(1)));
          ReconcileReport second = m.reconcile();
          // (Pebble dates the new certificate by the real clock, so under the moved clock it is due
          // again at once: what matters here is that the new version reached every target.)
          assertThat(second.certificates()).allSatisfy(cs -> {
            assertThat(cs.renewedNow()).isTrue();
            assertThat(cs.targets()).allSatisfy(t -> assertThat(t.state()).isEqualTo("in-sync"));
          });
          StoredVersion v2 = store.current("www").orElseThrow();
          assertThat(v2.number()).isEqualTo(2);
          assertThat(v2.sha256()).isNotEqualTo(v1.sha256());
          assertThat(TlsProbe.withDefaults().servedFingerprint("127.0.0.1", nginxPort, "www.e2e.test")).isEqualTo(v2.sha256());
          assertThat(store.deployments("www").targets().values()).allSatisfy(d -> assertThat(d.sha256()).isEqualTo(v2.sha256()));
          assertThat(metrics.scrape()).contains("certferry_acme_requests_total{certificate=\"www\",result=\"success\"} 2.0");
        }
      } finally {
        nginx.destroy();
        if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
          nginx.destroyForcibly();
        }
      }
    }
  }
}
