package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.TestPki;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.nginx.NginxProcess;
import io.certferry.provider.nginx.SshdProcess;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An nginx target whose frontends are the droplets carrying a DigitalOcean tag, through every real part: the
 * agent reads the tag from the contract-checked DigitalOcean fake on each pass, logs in to a real sshd and
 * deploys to a real nginx; a droplet that joins gets the certificate on that pass, and one that leaves drops
 * out of {@code list --json}. (Both droplets are this machine, 127.0.0.1: a test binds only loopback; the
 * library test in the nginx module runs two nginx servers as two frontends.)
 */
class TaggedFrontendsEndToEndTest {
  private static final String TOKEN = "dop_v1_aaaabbbbccccddddeeeeffff00001111";
  @TempDir Path tmp;
  private SshdProcess sshd;
  private NginxProcess nginx;
  private final MockWebServer api = new MockWebServer();
  private final FakeDigitalOcean fake = new FakeDigitalOcean(TOKEN, Clock.systemUTC());
  private ContractValidatingDispatcher contract;
  private final CertificateBundle image = TestPki.root("Image CA").leaf(List.of("a.test", "www.a.test"));

  @BeforeEach
  void start() throws Exception {
    sshd = SshdProcess.start(tmp.resolve("sshd"));
    nginx = NginxProcess.start(tmp.resolve("nginx"), image);
    contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml")
        .validating(fake, List.of("/v2/droplets"));
    api.setDispatcher(contract);
    api.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    api.close();
    nginx.close();
    sshd.close();
    contract.assertNoViolations();
  }

  record Run(int code, String out, String err) {}

  Run certferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = Environment.system().withSecrets(ReferenceSecrets.withEnvironment(Map.of("DIGITALOCEAN_TOKEN", TOKEN)));
    int code = Main.commandLine(env).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path config() throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [a.test, www.a.test]",
        "    issuer: {type: local}",
        "    targets:",
        "      - id: web",
        "        type: nginx",
        "        certificatePath: " + nginx.certificate(),
        "        keyPath: " + nginx.key(),
        "        testCommand: " + nginx.command("-t"),
        "        reloadCommand: " + nginx.command("-s reload"),
        "        serverNames: [a.test]",
        "        proveTimeout: 5s",
        "        ssh: {port: " + sshd.port() + ", user: root, keyFile: " + sshd.clientKey() + ", knownHosts: "
            + sshd.knownHosts() + "}",
        "        frontends: {digitaloceanTag: web, token: '${env:DIGITALOCEAN_TOKEN}', addressFrom: private, port: "
            + nginx.port() + ", apiUrl: '" + api.url("/").toString().replaceAll("/$", "") + "'}",
        ""));
    return cfg;
  }

  @Test
  void dropletsThatJoinTheTagGetTheCertificateAndOnesThatLeaveDropOut() throws Exception {
    Path cfg = config();
    Run check = certferry("check-config", "--config", cfg.toString());
    assertThat(check.code()).as(check.err()).isZero();

    Run none = certferry("run", "--once", "--config", cfg.toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.out()).contains("DigitalOcean droplets tagged web: none found");
    assertThat(nginx.servedSha256("a.test")).isEqualTo(image.sha256());

    fake.addDroplet(101, "web-1", "web", "127.0.0.1", "203.0.113.21", "active");
    fake.addDroplet(102, "web-2", "web", "127.0.0.1", "203.0.113.22", "new"); // still booting: left for later
    Run joined = certferry("deploy", "www", "--config", cfg.toString());
    assertThat(joined.code()).as(joined.out() + joined.err()).isZero();
    String current = FileStore.open(tmp.resolve("store")).current("www").orElseThrow().sha256();
    assertThat(nginx.servedSha256("a.test")).isEqualTo(current);
    assertThat(certferry("list", "--json", "--config", cfg.toString()).out())
        .contains("\"frontends\" : [ \"web-1\" ]");

    fake.droplets.get("102").put("status", "active");
    Run both = certferry("run", "--once", "--config", cfg.toString());
    assertThat(both.code()).as(both.out() + both.err()).isZero();
    assertThat(certferry("list", "--json", "--config", cfg.toString()).out())
        .contains("\"frontends\" : [ \"web-1\", \"web-2\" ]");

    fake.removeDroplet(101);
    Run left = certferry("run", "--once", "--config", cfg.toString());
    assertThat(left.code()).as(left.out() + left.err()).isZero();
    assertThat(certferry("list", "--json", "--config", cfg.toString()).out())
        .contains("\"frontends\" : [ \"web-2\" ]");
    assertThat(contract.uncovered()).isNotEmpty().allMatch(r -> r.equals("GET /v2/droplets"));
  }
}
