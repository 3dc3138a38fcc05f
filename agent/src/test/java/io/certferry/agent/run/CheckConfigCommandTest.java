package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.testing.PebbleServer;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config} reads every issuer block with the typed settings the agent runs on, and checks ACME
 * settings against the CA's directory when it can be reached (pebble-ari): an unknown profile is a located
 * problem, an unreachable directory a note saying what was not checked, and Let's Encrypt's rule for IP
 * addresses is explained without asking it.
 */
class CheckConfigCommandTest {
  private static PebbleServer pebble;

  @TempDir
  Path tmp;

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

  private Result checkConfig(Path cfg, String... extra) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] args = new String[extra.length + 3];
    args[0] = "check-config";
    args[1] = "--config";
    args[2] = cfg.toString();
    System.arraycopy(extra, 0, args, 3, extra.length);
    int code = Main.commandLine(Environment.system()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  private Path config(String server, String domains, String... issuer) throws Exception {
    Path cfg = tmp.resolve("agent.yaml");
    StringBuilder sb = new StringBuilder(String.join("\n",
        "store: " + tmp.resolve("store"),   // 1
        "certificates:",                     // 2
        "  - name: web",                     // 3
        "    domains: [" + domains + "]",    // 4
        "    issuer:",                       // 5
        "      type: acme",                  // 6
        "      server: " + server,           // 7
        "      agreeTos: true"));            // 8
    for (String line : issuer) {
      sb.append("\n      ").append(line);    // 9...
    }
    Files.writeString(cfg, sb.append('\n').toString());
    return cfg;
  }

  @Test
  void aProfileTheCaDoesNotOfferIsALocatedProblem() throws Exception {
    Path cfg = config(pebble.directoryUrl().toString(), "web.example.com", "serverCa: " + pebble.serverCaFile(),
        "profile: tlsserver");

    Result r = checkConfig(cfg);

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(cfg + ":10:16: certificates[0].issuer.profile: profile tlsserver is not offered by "
        + pebble.directoryUrl() + "; offered: default, shortlived; set profile: to one of them")
        .contains("1 problem(s) in " + cfg + "; nothing was started.");
    assertThat(checkConfig(config(pebble.directoryUrl().toString(), "web.example.com", "serverCa: "
        + pebble.serverCaFile(), "profile: shortlived")).code()).isZero();
  }

  @Test
  void anUnreachableDirectoryIsANoteNotAProblem() throws Exception {
    String nowhere = "https://127.0.0.1:" + PebbleServer.freePort() + "/dir";
    Path cfg = config(nowhere, "web.example.com", "profile: tlsserver");

    Result r = checkConfig(cfg, "--directory-timeout", "2s");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).contains("note: web: could not read the ACME directory " + nowhere + " within 2 s (")
        .contains("so profile tlsserver and what the CA requires will be checked at issuance");
    assertThat(r.out()).contains(cfg + ": OK (1 certificate(s)");
    assertThat(checkConfig(cfg, "--offline").err()).as("--offline does not even try").doesNotContain("note:");
  }

  @Test
  void letsEncryptIpCertificatesNeedTheShortlivedProfile() throws Exception {
    Path cfg = config("letsencrypt", "192.0.2.7, www.example.org", "profile: classic");

    Result r = checkConfig(cfg, "--offline");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(cfg + ":9:16: certificates[0].issuer.profile: Let's Encrypt issues certificates for IP "
        + "addresses (192.0.2.7) only on the shortlived profile (6-day certificates); set profile: shortlived instead of classic");
    assertThat(checkConfig(config("letsencrypt", "192.0.2.7", "profile: shortlived"), "--offline").code()).isZero();
  }

  @Test
  void aPreferenceListIsCheckedByTheTypedSettingsAtItsPlace() throws Exception {
    Path cfg = config(pebble.directoryUrl().toString(), "'*.example.org'", "serverCa: " + pebble.serverCaFile(),
        "challenges: [tls-alpn-01, dns-account-01]", "tlsAlpn: {port: 8443}");

    Result r = checkConfig(cfg, "--offline");

    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(cfg + ":10:19: certificates[0].issuer.challenges: dns-account-01 needs a DNS provider");
  }
}
