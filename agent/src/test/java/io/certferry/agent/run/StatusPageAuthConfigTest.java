package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.testing.CliRun;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.store.FileStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.auth:} in YAML: check-config refuses each bad form at its line and column (never echoing a value),
 * and each form it accepts ({@code ${env:..}}, {@code ${file:..}}, none) guards the listener at run time as documented.
 */
class StatusPageAuthConfigTest {
  static final String PASSWORD = "s3cret-page-password";

  @TempDir
  Path tmp;

  static CliRun certferry(Map<String, String> env, String... args) {
    return CliRun.of(Environment.system().withSecrets(ReferenceSecrets.withEnvironment(env)), args);
  }

  /** A config whose lines 2.. are {@code httpLines}, then one local certificate. */
  Path config(String... httpLines) throws Exception {
    StringBuilder b = new StringBuilder("store: " + tmp.resolve("store") + "\n");
    for (String l : httpLines) {
      b.append(l).append('\n');
    }
    b.append("certificates:\n  - name: www\n    domains: [www.example.test]\n    issuer: {type: local}\n    targets:\n")
        .append("      - {id: files, type: directory, path: ").append(tmp.resolve("out")).append("}\n");
    return Files.writeString(tmp.resolve("agent.yaml"), b.toString());
  }

  @Test
  void checkConfigRefusesEachBadAuthAtItsLineAndColumnAndNeverEchoesAValue() throws Exception {
    Path f = config(
        "http:",                          // 2
        "  listen: 127.0.0.1:0",          // 3
        "  auth:",                        // 4
        "    user: 'ops:admin'",          // 5  ':' cannot be in a basic auth user
        "    password: hunter2-literal",  // 6  a literal password
        "    realm: x");                  // 7  unknown key
    CliRun r = certferry(Map.of(), "check-config", "--config", f.toString());
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains(f + ":5:11: http.auth.user: the user name must not be empty or hold ':'")
        .contains(f + ":6:15: http.auth.password: a password must not be written in the config file; reference it: "
            + "password: ${env:CERTFERRY_HTTP_PASSWORD}")
        .contains(f + ":7:5: http.auth.realm: unknown key 'realm'; known here: password, user")
        .doesNotContain("hunter2-literal");

    Path g = config(
        "http:",                                                   // 2
        "  auth:",                                                 // 3  no user
        "    password: ${env:CERTFERRY_TEST_UNSET_HTTP_PASSWORD}"); // 4  does not resolve
    CliRun s = certferry(Map.of(), "check-config", "--config", g.toString());
    assertThat(s.code()).as(s.toString()).isEqualTo(2);
    assertThat(s.err()).contains(g + ":4:5: http.auth: user is missing; give the user name the page asks for")
        .contains(g + ":4:15: http.auth.password: secret ${env:CERTFERRY_TEST_UNSET_HTTP_PASSWORD}: environment "
            + "variable CERTFERRY_TEST_UNSET_HTTP_PASSWORD is not set");

    Path h = config("http: {auth: 'ops:hunter2'}"); // 2: not a block
    CliRun t = certferry(Map.of(), "check-config", "--config", h.toString());
    assertThat(t.code()).as(t.toString()).isEqualTo(2);
    assertThat(t.err()).contains(h + ":2:14: http.auth: expected auth: {user: ops, password: ${env:CERTFERRY_HTTP_PASSWORD}}")
        .doesNotContain("hunter2");
    assertThat(tmp.resolve("store")).doesNotExist();
  }

  @Test
  void eachAcceptedPasswordFormGuardsTheListenerAndNoAuthLeavesItOpen() throws Exception {
    Path file = tmp.resolve("http.password");
    Files.writeString(file, PASSWORD + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Map<String, String> env = Map.of("CERTFERRY_HTTP_PASSWORD", PASSWORD);
    for (String reference : List.of("${env:CERTFERRY_HTTP_PASSWORD}", "${file:" + file + "}")) {
      Path f = config("http:", "  listen: 127.0.0.1:0", "  auth: {user: ops, password: '" + reference + "'}");
      CliRun ok = certferry(env, "check-config", "--config", f.toString());
      assertThat(ok.code()).as(ok.toString()).isZero();
      try (AgentHttpServer s = listen(f, ReferenceSecrets.withEnvironment(env))) {
        assertThat(get(s, "/", null)).as(reference).isEqualTo(401);
        assertThat(get(s, "/", "ops:wrong")).as(reference).isEqualTo(401);
        assertThat(get(s, "/", "admin:" + PASSWORD)).as(reference).isEqualTo(401);
        assertThat(get(s, "/", "ops:" + PASSWORD)).as(reference).isEqualTo(200);
        assertThat(send(s, "/", "basic " + base64("ops:" + PASSWORD))).as("the scheme is case-insensitive (RFC 7617)")
            .isEqualTo(200);
        assertThat(send(s, "/", "Basic not*base64")).as(reference).isEqualTo(401);
        assertThat(send(s, "/", "Bearer " + base64("ops:" + PASSWORD))).as(reference).isEqualTo(401);
        assertThat(get(s, "/healthz", null)).as(reference).isEqualTo(200);
      }
    }
    try (AgentHttpServer s = listen(config("http: {listen: '127.0.0.1:0'}"), ReferenceSecrets.withEnvironment(Map.of()))) {
      assertThat(get(s, "/", null)).isEqualTo(200);
    }
  }

  /** The listener as {@code run} starts it from the config. */
  AgentHttpServer listen(Path f, Secrets secrets) throws Exception {
    AgentConfig c = ConfigLoader.withInstalledProviders(secrets).load(f);
    Files.createDirectories(c.store());
    FileStore store = FileStore.open(c.store());
    Clock clock = Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC);
    AgentState state = new AgentState(clock);
    state.storeOpened(store);
    return AgentHttpServer.start(c.http(), secrets, state, new AgentMetrics(), new RecentEvents(), clock);
  }

  static int get(AgentHttpServer s, String path, String credentials) throws Exception {
    return send(s, path, credentials == null ? null : "Basic " + base64(credentials));
  }

  static int send(AgentHttpServer s, String path, String authorization) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static String base64(String s) { return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)); }
}
