package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.testing.RequiredTools;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code certferry list} and {@code show}: fields, states, order, 80 columns, metadata only; openssl agrees. */
class ListCommandTest {
  static TestPki.Ca root;
  static TestPki.Ca dv;
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @BeforeAll
  static void pki() {
    root = TestPki.root("USERTrust RSA Certification Authority");
    dv = root.intermediate("Sectigo RSA Domain Validation Secure Server CA");
  }

  private static CertificateBundle leaf(String name, Duration age, Duration left) {
    Instant now = Instant.now();
    return dv.leaf(List.of(name), KeyType.EC_P256, now.minus(age), now.plus(left));
  }

  /** Five lineages, one in each state, written through the store API. */
  private Path fiveStates() {
    Path store = tmp.resolve("store");
    FileStore fs = FileStore.open(store);
    fs.addVersion("fresh", leaf("fresh.example", Duration.ofDays(10), Duration.ofDays(80)), "acme", Map.of());
    fs.addVersion("due", leaf("due.example", Duration.ofDays(70), Duration.ofDays(20)), "acme", Map.of());
    fs.addVersion("soon-a-very-long-lineage-name-for-the-column",
        leaf("soon.example", Duration.ofDays(360), Duration.ofDays(5)), "imported", Map.of());
    fs.addVersion("gone", leaf("gone.example", Duration.ofDays(100), Duration.ofDays(-2)), "local", Map.of());
    fs.saveSpec(new LineageSpec("next", List.of("next.example", "www.next.example"), "imported", "ec-p256", Map.of(), List.of()));
    fs.savePendingKey("next", KeyType.EC_P256.generate().getPrivate());
    // Targets of "fresh": one serving the current certificate, one an older one, one failed.
    String sha = fs.current("fresh").orElseThrow().sha256();
    Instant t = Instant.now();
    fs.saveSpec(new LineageSpec("fresh", List.of("fresh.example"), "acme", "ec-p256", Map.of(), List.of("cdn", "lb", "netlify", "nginx")));
    fs.saveDeployments("fresh", Deployments.empty()
        .with(new TargetDeployment("lb", sha, t, TargetDeployment.Result.IN_SYNC, 0, null, null, null))
        .with(new TargetDeployment("cdn", "00ff", t, TargetDeployment.Result.IN_SYNC, 0, null, null, null))
        .with(new TargetDeployment("netlify", sha, t, TargetDeployment.Result.FAILED, 2, t, "HTTP 422", null)));
    return store;
  }

  @Test
  void jsonHasEveryFieldStatesAndSoonestFirst() throws Exception {
    Path store = fiveStates();
    CliRun r = Cli.run("list", "--json", "--store", store.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode arr = JSON.readTree(r.out());
    List<String> names = new ArrayList<>();
    arr.forEach(n -> names.add(n.get("name").asText()));
    assertThat(names).containsExactly("gone", "soon-a-very-long-lineage-name-for-the-column",
        "due", "fresh", "next");
    List<String> states = new ArrayList<>();
    arr.forEach(n -> states.add(n.get("state").asText()));
    assertThat(states).containsExactly("expired", "expiring", "renewal-due", "valid", "pending");

    JsonNode fresh = arr.get(3);
    CertificateBundle loaded = FileStore.open(store).load("fresh", 1);
    List<String> fields = new ArrayList<>();
    fresh.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("name", "source", "domains", "notBefore", "notAfter", "daysLeft", "serial",
        "sha256", "issuer", "issuedBy", "state", "renewAt", "renewReason", "error", "targets");
    assertThat(fresh.get("source").asText()).isEqualTo("acme");
    assertThat(fresh.get("domains").get(0).asText()).isEqualTo("fresh.example");
    assertThat(fresh.get("notAfter").asText()).isEqualTo(loaded.notAfter().toString()).endsWith("Z");
    assertThat(fresh.get("notBefore").asText()).isEqualTo(loaded.notBefore().toString());
    assertThat(fresh.get("daysLeft").asLong()).isBetween(79L, 80L);
    assertThat(fresh.get("serial").asText()).isEqualTo(loaded.serial());
    assertThat(fresh.get("sha256").asText()).isEqualTo(loaded.sha256()).matches("[0-9a-f]{64}");
    assertThat(fresh.get("issuer").asText()).contains("CN=Sectigo RSA Domain Validation Secure Server CA");
    assertThat(fresh.get("targets").toString()).isEqualTo("[{\"id\":\"cdn\",\"state\":\"stale\"},"
        + "{\"id\":\"lb\",\"state\":\"in-sync\"},{\"id\":\"netlify\",\"state\":\"failed\"}]");
    assertThat(arr.get(0).get("daysLeft").asLong()).isEqualTo(-2);
    JsonNode pending = arr.get(4);
    assertThat(pending.get("domains").size()).isEqualTo(2);
    assertThat(pending.get("notAfter").isNull()).isTrue();
    assertThat(r.out()).doesNotContain("PRIVATE");
  }

  @Test
  void humanTableFitsEightyColumnsSoonestFirst() {
    Path store = fiveStates();
    CliRun r = Cli.run("--store", store.toString(), "list"); // the global option before the subcommand works too
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("NAME").contains("DAYS").contains("STATE").contains("EXPIRES");
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    assertThat(lines.get(1)).startsWith("gone").contains("-2").contains("expired");
    assertThat(lines.get(2)).startsWith("soon-a-very-long-lineag…").contains("expiring").contains("soon.example");
    assertThat(lines.get(3)).startsWith("due").contains("renewal-due");
    assertThat(lines.get(4)).startsWith("fresh").contains("valid");
    assertThat(lines.get(5)).startsWith("next").contains("pending").contains("next.example +1");
  }

  @Test
  void listReadsMetadataOnlyNeverPemOrKeys() throws Exception {
    Path store = fiveStates();
    String before = Cli.run("list", "--json", "--store", store.toString()).out();
    // Ruin every PEM and key file: list must not notice, show too (it reads the same metadata).
    try (var s = Files.walk(store)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.toString().endsWith(".pem")) {
          Files.writeString(p, "ruined");
        }
      }
    }
    CliRun after = Cli.run("list", "--json", "--store", store.toString());
    assertThat(after.code()).as(after.toString()).isZero();
    assertThat(after.out()).isEqualTo(before);
  }

  @Test
  void emptyStoreAndEnvironmentDefault() {
    CliRun r = Cli.run("list", "--store", tmp.resolve("none").toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("No certificates in").contains("certferry csr");
    assertThat(Cli.run("list", "--json", "--store", tmp.resolve("none").toString()).out().strip()).isEqualTo("[ ]");
    assertThat(GlobalOptions.resolve(null, Map.of("CERTFERRY_STORE", "/srv/cf"), "/home/u")).isEqualTo(Path.of("/srv/cf"));
    assertThat(GlobalOptions.resolve(null, Map.of(), "/home/u")).isEqualTo(Path.of("/home/u/.local/share/certferry"));
    assertThat(GlobalOptions.resolve(Path.of("/x"), Map.of("CERTFERRY_STORE", "/srv/cf"), "/home/u")).isEqualTo(Path.of("/x"));
  }

  @Test
  void showPrintsOneLineageAndRejectsUnknownNames() throws Exception {
    Path store = fiveStates();
    CliRun human = Cli.run("show", "fresh", "--store", store.toString());
    assertThat(human.code()).as(human.toString()).isZero();
    assertThat(human.out()).contains("name:       fresh").contains("state:      valid").contains("lb in-sync")
        .contains("netlify failed").contains("versions:   1 (");
    CliRun json = Cli.run("show", "due", "--json", "--store", store.toString());
    JsonNode n = JSON.readTree(json.out());
    assertThat(n.get("state").asText()).isEqualTo("renewal-due");
    assertThat(n.get("versions").get(0).get("number").asInt()).isEqualTo(1);
    assertThat(n.get("pendingKey").asBoolean()).isFalse();
    assertThat(JSON.readTree(Cli.run("show", "next", "--json", "--store", store.toString()).out()).get("pendingKey")
        .asBoolean()).isTrue();

    var before = Cli.tree(store);
    CliRun missing = Cli.run("show", "nope", "--store", store.toString());
    assertThat(missing.code()).isEqualTo(3);
    assertThat(missing.err()).contains("no certificate named 'nope'").contains("certferry list");
    assertThat(Cli.run("show", "../etc", "--store", store.toString()).code()).isEqualTo(3);
    assertThat(Cli.tree(store)).isEqualTo(before);
  }

  @Test
  void failuresPrintOneLineWithoutStackTraceUnlessVerbose() throws Exception {
    Path notAFolder = Files.writeString(tmp.resolve("file"), "x");
    CliRun r = Cli.run("list", "--store", notAFolder.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).startsWith("certferry: error: ").doesNotContain("\tat ");
    CliRun v = Cli.run("list", "--verbose", "--store", notAFolder.toString());
    assertThat(v.code()).isEqualTo(1);
    assertThat(v.err()).contains("\tat ");
  }

  /** The real openssl agrees with what list reports and what the store wrote. */
  @Test
  void opensslAgreesWithFingerprintAndChain() throws Exception {
    opensslBin = RequiredTools.require("openssl").toString(); // skips, or fails when CERTFERRY_REQUIRE_E2E=1
    Path store = tmp.resolve("store");
    StrictPki pki = new StrictPki("USERTrust RSA Certification Authority", "Sectigo RSA Domain Validation Secure Server CA");
    CertificateBundle b = pki.leaf(List.of("shop.example", "www.shop.example"));
    Path cert = Cli.pem(tmp.resolve("in.crt"), b.leaf());
    Path bundle = Cli.pem(tmp.resolve("in.ca-bundle"), Cli.shuffledHeap(b, pki.root, 3));
    Path key = Cli.key(tmp.resolve("in.key"), b.privateKey());
    Path rootPem = Cli.pem(tmp.resolve("root.pem"), pki.root);
    CliRun imp = Cli.run("import", "--store", store.toString(), "--name", "shop", "--cert", cert.toString(),
        "--chain", bundle.toString(), "--key", key.toString(), "--trust", rootPem.toString());
    assertThat(imp.code()).as(imp.toString()).isZero();

    String sha = JSON.readTree(Cli.run("list", "--json", "--store", store.toString()).out()).get(0).get("sha256").asText();
    Path dir = store.resolve("certs/shop/versions/1");
    String fp = openssl("x509", "-noout", "-fingerprint", "-sha256", "-in", dir.resolve("cert.pem").toString());
    assertThat(fp.substring(fp.indexOf('=') + 1).strip().replace(":", "").toLowerCase()).isEqualTo(sha);
    String verify = openssl("verify", "-CAfile", rootPem.toString(), "-untrusted", dir.resolve("chain.pem").toString(),
        dir.resolve("cert.pem").toString());
    assertThat(verify.strip()).endsWith(": OK");
    // fullchain.pem is what servers send: openssl reads leaf then chain from it.
    String full = openssl("crl2pkcs7", "-nocrl", "-certfile", dir.resolve("fullchain.pem").toString());
    assertThat(full).contains("BEGIN PKCS7");
    String keyCheck = openssl("pkey", "-in", dir.resolve("key.pem").toString(), "-pubout");
    String certPub = openssl("x509", "-noout", "-pubkey", "-in", dir.resolve("cert.pem").toString());
    assertThat(keyCheck).isEqualTo(certPub);
  }

  private String opensslBin = "openssl";

  private String openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(opensslBin));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("openssl " + String.join(" ", args) + ":\n" + out).isZero();
    return out;
  }
}
