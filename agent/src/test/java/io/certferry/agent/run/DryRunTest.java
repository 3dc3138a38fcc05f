package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.PebbleServer;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.netlify.FakeNetlify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run --once --dry-run} decides what a pass would do and changes nothing (the store tree hashed before and
 * after, the providers' fakes seeing only reads); {@code renew --dry-run} obtains a certificate from the CA's
 * staging directory (pebble-ari playing staging) and keeps nothing.
 */
class DryRunTest {
  private static final String DO_TOKEN = "dop_v1_1234567890abcdef1234567890abcdef";
  private static final String NETLIFY_TOKEN = "nfp_abcdefabcdefabcdefabcdefabcdefab";
  private static final String LB = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";
  @TempDir Path tmp;
  private final MutableClock clock = new MutableClock(Instant.now());
  private final MockWebServer doServer = new MockWebServer();
  private final MockWebServer netlifyServer = new MockWebServer();
  private final FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
  private final FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
  private ContractValidatingDispatcher doContract;
  private ContractValidatingDispatcher netlifyContract;

  @BeforeEach
  void start() throws Exception {
    doContract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(digitalOcean);
    doServer.setDispatcher(doContract);
    doServer.start(InetAddress.getByName("127.0.0.1"), 0);
    netlifyContract = ContractValidator.forSpec("netlify/swagger.yml").validating(netlify);
    netlifyServer.setDispatcher(netlifyContract);
    netlifyServer.start(InetAddress.getByName("127.0.0.1"), 0);
    ArrayNode rules = new ObjectMapper().createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", "").put("tls_passthrough", false);
    digitalOcean.addLoadBalancer(LB, null, rules);
    netlify.addSite(SITE, "www.dry.localhost");
  }

  @AfterEach
  void stop() {
    doServer.close();
    netlifyServer.close();
    doContract.assertNoViolations();
    netlifyContract.assertNoViolations();
  }

  record Run(int code, String out, String err) {
    @Override
    public String toString() { return "exit " + code + "\n" + out + err; }
  }

  Run certferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = Environment.system().withClock(clock).withSecrets(ReferenceSecrets.withEnvironment(
        Map.of("DO_TOKEN", DO_TOKEN, "NETLIFY_TOKEN", NETLIFY_TOKEN)));
    int code = Main.commandLine(env).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  Path config() throws IOException {
    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "http: {enabled: false}",
        "certificates:",
        "  - name: www",
        "    domains: [www.dry.localhost]",
        "    issuer: {type: local}",
        "    targets:",
        "      - {id: files, type: directory, path: " + tmp.resolve("out") + "}",
        "      - {id: lb, type: digitalocean-lb, token: '${env:DO_TOKEN}', loadBalancerId: " + LB + ", apiUrl: '"
            + doServer.url("/").toString().replaceAll("/$", "") + "', verify: false}",
        "      - {id: docs, type: netlify, token: '${env:NETLIFY_TOKEN}', siteId: " + SITE + ", apiUrl: '"
            + netlifyServer.url("/api/v1") + "', verify: false}",
        ""));
    return cfg;
  }

  /** Every file and folder under the root: path, permissions, content hash. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        out.put(root.relativize(p).toString(), perms + " " + (Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p))));
      }
    }
    return out;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  long writes() {
    return digitalOcean.calls.stream().filter(c -> !c.startsWith("GET ")).count()
        + netlify.calls.stream().filter(c -> !c.startsWith("GET ")).count();
  }

  @Test
  void aDryRunDecidesEverythingAndChangesNothing() throws Exception {
    Path cfg = config();

    Run first = certferry("run", "--once", "--dry-run", "--config", cfg.toString());
    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.out()).contains("nothing was ordered, uploaded, written or sent",
        "www: would issue: no certificate stored yet; would order from local",
        "-> files                would deploy: gets the first version once it is issued",
        "-> lb                   would deploy: gets the first version once it is issued",
        "A pass now would place 1 order(s) and 3 deploy(s).");
    assertThat(tmp.resolve("store")).doesNotExist();
    assertThat(tmp.resolve("out")).doesNotExist();
    assertThat(digitalOcean.calls).isEmpty();

    Run applied = certferry("run", "--once", "--config", cfg.toString());
    assertThat(applied.code()).as(applied.toString()).isZero();
    Map<String, String> before = tree(tmp);
    long writesBefore = writes();
    int callsBefore = digitalOcean.calls.size();

    Run quiet = certferry("run", "--once", "--dry-run", "--config", cfg.toString());
    assertThat(quiet.code()).as(quiet.toString()).isZero();
    assertThat(quiet.out()).containsPattern("www: nothing to do: not due: renews at \\S+ \\(.*lifetime.*\\)")
        .contains("-> files                nothing to do: serves it now",
            "-> lb                   nothing to do: serves it now",
            "-> docs                 nothing to do: serves it now", "A pass now would change nothing.");
    assertThat(digitalOcean.calls.size()).as("it asked the load balancer what it serves").isGreaterThan(callsBefore);

    clock.set(clock.instant().plus(Duration.ofDays(70))); // past the renewal point of a 90-day certificate
    Files.writeString(tmp.resolve("out/cert.pem"), Files.readString(tmp.resolve("out/cert.pem"))); // same bytes
    Run due = certferry("run", "--once", "--dry-run", "--config", cfg.toString());
    assertThat(due.code()).as(due.toString()).isZero();
    assertThat(due.out()).containsPattern("www: would renew: due since \\S+ \\(.*\\); would order from local")
        .contains("-> docs                 would deploy: gets the new version once it is issued");

    assertThat(tree(tmp)).as("the store, the folder target and the config are byte for byte as before").isEqualTo(before);
    assertThat(writes()).as("the fakes saw reads only").isEqualTo(writesBefore);
    assertThat(FileStore.open(tmp.resolve("store")).versions("www")).hasSize(1);
  }

  @Test
  void aTargetThatServesSomethingElseWouldBeDeployedToAndSaysWhatItServes() throws Exception {
    Path cfg = config();
    assertThat(certferry("run", "--once", "--config", cfg.toString()).code()).isZero();
    digitalOcean.loadBalancers.get(LB).withArray("forwarding_rules").forEach(r ->
        ((ObjectNode) r).put("certificate_id", "")); // someone detached it
    Map<String, String> before = tree(tmp);

    Run r = certferry("run", "--once", "--dry-run", "--config", cfg.toString());

    assertThat(r.out()).contains("-> lb                   would deploy: serves no certificate now",
        "-> docs                 nothing to do: serves it now\n",
        "A pass now would place 0 order(s) and 1 deploy(s).");
    assertThat(tree(tmp)).isEqualTo(before);
  }

  @Test
  void dryRunWithoutOnceIsAUsageError() throws Exception {
    Run r = certferry("run", "--dry-run", "--config", config().toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--dry-run goes with --once: certferry run --once --dry-run --config FILE");
    assertThat(tmp.resolve("store")).doesNotExist();
  }

  @Test
  void renewDryRunObtainsACertificateFromStagingAndKeepsNothing() throws Exception {
    try (PebbleServer staging = PebbleServer.builder().ari().start()) {
      Path cfg = tmp.resolve("acme.yaml");
      Files.writeString(cfg, String.join("\n",
          "store: " + tmp.resolve("acme-store"),
          "http: {enabled: false}",
          "certificates:",
          "  - name: web",
          "    domains: [web.dry.test]",
          "    issuer:",
          "      type: acme",
          "      server: " + staging.directoryUrl(), // a CA whose staging Certferry does not know
          "      serverCa: " + staging.serverCaFile(),
          "      agreeTos: true",
          "      http: {address: 127.0.0.1, port: " + staging.httpPort() + "}",
          "    targets:",
          "      - {id: files, type: directory, path: " + tmp.resolve("acme-out") + "}",
          ""));

      Run none = certferry("renew", "--dry-run", "--config", cfg.toString());
      assertThat(none.code()).as(none.toString()).isEqualTo(2);
      assertThat(none.err()).contains("web: dry run impossible: no staging directory is known for "
          + staging.directoryUrl() + "; give the CA's test directory with --staging URL");
      assertThat(staging.ordersPlaced()).isZero();

      Run trial = certferry("renew", "web", "--dry-run", "--staging", staging.directoryUrl().toString(),
          "--config", cfg.toString());
      assertThat(trial.code()).as(trial + staging.logs()).isZero();
      assertThat(trial.out()).containsPattern("web: dry run: " + staging.directoryUrl() + " issued serial [0-9a-f]+ for "
          + "web.dry.test, valid until \\S+; discarded: nothing stored, nothing deployed");
      assertThat(staging.ordersPlaced()).isEqualTo(1);
      assertThat(tmp.resolve("acme-store")).as("not even an account").doesNotExist();
      assertThat(tmp.resolve("acme-out")).doesNotExist();
    }
  }

  @Test
  void stagingAloneIsAUsageError() throws Exception {
    Run r = certferry("renew", "--staging", "letsencrypt-staging", "--config", config().toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--staging goes with --dry-run");
  }
}
