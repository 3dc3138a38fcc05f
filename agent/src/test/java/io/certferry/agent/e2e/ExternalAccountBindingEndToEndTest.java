package io.certferry.agent.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.PebbleServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External account binding (RFC 8555 section 7.3.4) against pebble-ari run with
 * {@code externalAccountBindingRequired} and MAC keys, as Sectigo, ZeroSSL and Google Trust Services
 * require it: the right key id and HMAC register and issue; a wrong HMAC or an unknown key id is refused
 * with the key id named and what to check, never the HMAC; check-config sees the CA requires it.
 */
class ExternalAccountBindingEndToEndTest {
  private static final String KID = "kid-certferry-e2e";
  private static final String HMAC = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
  private static final String OTHER_HMAC = "cGVibGUtZWFiLXdyb25nLWhtYWMta2V5LWZvci10ZXN0cy1vbmx5LTEyMzQ1Njc4";
  private static PebbleServer pebble;

  @TempDir
  Path tmp;

  @BeforeAll
  static void start() {
    pebble = PebbleServer.builder().ari().eab(Map.of(KID, HMAC)).start();
  }

  @AfterAll
  static void stop() {
    if (pebble != null) {
      pebble.close();
    }
  }

  record Result(int code, String out, String err) {
    String all() { return out + err; }

    @Override
    public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
  }

  private Result certferry(String hmac, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Environment env = Environment.system().withSecrets(ReferenceSecrets.withEnvironment(Map.of("EAB_HMAC_KEY", hmac)));
    int code = Main.commandLine(env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Result issue(Path store, String kid, String hmac, String domain) {
    List<String> args = new ArrayList<>(List.of("--store", store.toString(), "issue", "--name", "web", "--domain", domain,
        "--server", pebble.directoryUrl().toString(), "--server-ca", pebble.serverCaFile().toString(), "--agree-tos",
        "--profile", "default", "--http-address", "127.0.0.1", "--http-port", String.valueOf(pebble.httpPort())));
    if (kid != null) {
      args.addAll(List.of("--eab-key-id", kid, "--eab-hmac-key", "${env:EAB_HMAC_KEY}"));
    }
    return certferry(hmac, args.toArray(String[]::new));
  }

  @Test
  void theRightKeyIdAndHmacRegisterTheAccountAndIssue() throws Exception {
    Path store = tmp.resolve("store");

    Result r = issue(store, KID, HMAC, "eab.example.com");

    assertThat(r.code()).as(r + pebble.logs()).isZero();
    assertThat(r.out()).contains("web: version 1 issued for eab.example.com");
    assertThat(FileStore.open(store).current("web")).isPresent();
    JsonNode spec = new ObjectMapper().readTree(store.resolve("certs/web/spec.json").toFile());
    assertThat(spec.at("/issuer/eab/keyId").asText()).isEqualTo(KID);
    assertThat(spec.at("/issuer/eab/hmacKey").asText()).as("by reference only").isEqualTo("${env:EAB_HMAC_KEY}");
    assertThat(everyFileIn(store)).as("the HMAC is kept nowhere").noneMatch(text -> text.contains(HMAC));
  }

  @Test
  void aWrongHmacIsRefusedNamingTheKeyIdNeverTheHmac() throws Exception {
    Path store = tmp.resolve("store");

    Result r = issue(store, KID, OTHER_HMAC, "wrong.example.com");

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.all()).contains("external account binding with key id " + KID + " was refused by "
        + pebble.directoryUrl()).contains("check that eab.keyId and the HMAC key eab.hmacKey refers to are the pair");
    assertThat(r.all()).doesNotContain(OTHER_HMAC).doesNotContain(HMAC);
    assertThat(FileStore.open(store).current("web")).isEmpty();
  }

  @Test
  void anUnknownKeyIdIsRefusedNamingIt() throws Exception {
    Result r = issue(tmp.resolve("store"), "kid-nobody-issued", HMAC, "unknown.example.com");

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.all()).contains("external account binding with key id kid-nobody-issued was refused by "
        + pebble.directoryUrl()).doesNotContain(HMAC);
  }

  @Test
  void withoutEabTheCaRequirementIsSaidBeforeAndAtIssuance() throws Exception {
    Result r = issue(tmp.resolve("store"), null, HMAC, "none.example.com");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.all()).contains("requires external account binding");

    Path cfg = tmp.resolve("agent.yaml");
    Files.writeString(cfg, String.join("\n",
        "store: " + tmp.resolve("store"),
        "certificates:",
        "  - name: web",
        "    domains: [none.example.com]",
        "    issuer: {type: acme, server: '" + pebble.directoryUrl() + "', serverCa: " + pebble.serverCaFile()
            + ", agreeTos: true}",
        ""));
    Result check = certferry(HMAC, "check-config", "--config", cfg.toString());
    assertThat(check.code()).as(check.toString()).isEqualTo(2);
    assertThat(check.err()).contains(cfg + ":5:13: certificates[0].issuer: the CA at " + pebble.directoryUrl()
        + " requires external account binding; add eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}}");
  }

  private static List<String> everyFileIn(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).map(p -> {
        try {
          return new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
