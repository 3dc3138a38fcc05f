package io.certferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Condition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path tmp;

  ConfigLoader loader(Map<String, String> env) {
    return ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(env));
  }

  Path write(String yaml) throws Exception {
    Path f = tmp.resolve("agent.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  /** Problem at line:column whose message contains the text. */
  static Condition<ConfigProblem> at(int line, int col, String text) {
    return new Condition<>(p -> p.line() == line && p.column() == col && p.message().contains(text),
        line + ":" + col + " " + text);
  }

  // Line numbers matter below: each error is asserted at its line and column.
  static final String BROKEN = String.join("\n",
      "store: ./store",                                    // 1
      "schedul:",                                          // 2  unknown key (typo)
      "  maxInterval: 12h",                                // 3
      "schedule:",                                         // 4
      "  maxInterval: soon",                               // 5  bad duration
      "  parallelism: 0",                                  // 6  out of range
      "http:",                                             // 7
      "  listen: localhost",                               // 8  not host:port
      "notifications:",                                    // 9
      "  - type: sendgrid",                                // 10
      "    apiKey: SG.literal-key",                        // 11 literal secret
      "    from: certferry@example.org",                   // 12
      "    to: ops@example.org",                           // 13
      "  - type: webhook",                                 // 14
      "    url: ${env:CERTFERRY_TEST_UNSET_WEBHOOK}",      // 15 missing secret
      "certificates:",                                     // 16
      "  - name: www",                                     // 17
      "    domains: [www.example.org]",                    // 18
      "    issuer:",                                       // 19
      "      type: local",                                 // 20
      "      keyType: ec-p999",                            // 21 bad key type
      "      renewBefore: 30 days",                        // 22 bad duration
      "    targets:",                                      // 23
      "      - id: files",                                 // 24
      "        type: directory",                           // 25
      "        path: ./out",                               // 26
      "        colour: blue",                              // 27 unknown setting (from the provider)
      "      - id: lb",                                    // 28
      "        type: teleporter",                          // 29 unregistered type
      "      - id: hook",                                  // 30
      "        type: exec",                                // 31
      "        command: [/bin/true]",                      // 32
      "        serverNames: [media.example.org]",          // 33 name the certificate lacks (and unknown to exec)
      "  - name: WWW!",                                    // 34 bad name
      "    domains: [example.org, example.org]",           // 35 duplicate domain
      "    issuer: {type: acme, server: letsencrypt, challenge: dns-01}", // 36 dns-01 without provider
      "    extra: 1",                                      // 37 unknown key
      "");

  @Test
  void everyProblemIsReportedAtOnceWithLineAndColumn() throws Exception {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write(BROKEN)));
    List<ConfigProblem> p = e.problems();
    assertThat(p).haveExactly(1, at(2, 1, "unknown key 'schedul' (did you mean 'schedule'?)"));
    assertThat(p).haveExactly(1, at(5, 16, "'soon' is not a duration"));
    assertThat(p).haveExactly(1, at(6, 16, "expected a whole number from 1 to 256"));
    assertThat(p).haveExactly(1, at(8, 11, "is not host:port"));
    assertThat(p).haveExactly(1, at(11, 5, "do not write the API key in the file"));
    assertThat(p).haveExactly(1, at(15, 10, "environment variable CERTFERRY_TEST_UNSET_WEBHOOK is not set"));
    assertThat(p).haveExactly(1, at(21, 16, "'ec-p999' is not a key type"));
    assertThat(p).haveExactly(1, at(22, 20, "'30 days' is not a duration"));
    assertThat(p).haveExactly(1, at(27, 9, "unknown setting 'colour'"));
    assertThat(p).haveExactly(1, at(29, 15, "no installed provider registers target type 'teleporter'"));
    assertThat(p).haveExactly(1, at(33, 9, "unknown setting 'serverNames' for an exec target"));
    assertThat(p).haveExactly(1, at(33, 23, "serves media.example.org but the certificate's domains do not cover it"));
    assertThat(p).haveExactly(1, at(34, 11, "'WWW!' is not a usable name"));
    assertThat(p).haveExactly(1, at(35, 28, "'example.org' is listed twice"));
    assertThat(p).haveExactly(1, at(36, 58, "dns-01 needs a DNS provider"));
    assertThat(p).haveExactly(1, at(37, 5, "unknown key 'extra'"));
    // Sorted by place, so the report reads top to bottom.
    assertThat(p).isSortedAccordingTo(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
    // Secrets never appear in messages.
    assertThat(p).noneMatch(x -> x.message().contains("SG.literal-key"));
  }

  @Test
  void checkConfigCommandPrintsEveryProblemAndExitsTwo() throws Exception {
    Path f = write(BROKEN);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(Environment.system()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute("check-config", "--config", f.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(f + ":2:1: schedul: unknown key 'schedul'")
        .contains(f + ":29:15: certificates[0].targets[1].type: no installed provider registers target type 'teleporter'")
        .contains(f + ":22:20: certificates[0].issuer.renewBefore:")
        .contains("problem(s) in " + f + "; nothing was started.");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void yamlSyntaxErrorIsLocated() throws Exception {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> loader(Map.of()).load(write("certificates:\n  - name: a\n   domains: [x\n")));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isGreaterThan(1);
      assertThat(p.message()).startsWith("not valid YAML");
    });
  }

  @Test
  void duplicateKeysAreErrors() throws Exception {
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> loader(Map.of()).load(write(String.join("\n",
        "certificates:", "  - name: a", "    name: b", "    domains: [a.example]", "    issuer: {type: local}", ""))));
    assertThat(e.problems()).haveExactly(1, at(3, 5, "duplicate key 'name'"));
  }

  @Test
  void validConfigFillsDefaultsAndWarnsAboutReadableSecretFiles() throws Exception {
    Path token = tmp.resolve("hook.url");
    Files.writeString(token, "https://hooks.example.org/T/B/x\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    AgentConfig c = loader(Map.of()).load(write(String.join("\n",
        "certificates:",
        "  - name: www",
        "    domains: [www.example.org, '*.example.org']",
        "    issuer: {type: local, renewBefore: 10d, reuseKey: true}",
        "    targets:",
        "      - {id: files, type: directory, path: ./out}",
        "notifications:",
        "  - type: webhook",
        "    url: ${file:" + token + "}",
        "")));
    assertThat(c.store()).isNull();
    assertThat(c.schedule().maxInterval()).isEqualTo(Duration.ofHours(12));
    assertThat(c.schedule().parallelism()).isEqualTo(4);
    assertThat(c.http().host()).isEqualTo("127.0.0.1");
    assertThat(c.http().port()).isEqualTo(9595);
    assertThat(c.alerts().levels()).containsExactly(30, 14, 7, 3, 1);
    assertThat(c.certificates()).singleElement().satisfies(cc -> {
      assertThat(cc.options()).containsEntry("renewBefore", "10d").containsEntry("reuseKey", "true");
      assertThat(cc.targets()).extracting(AgentConfig.TargetConfig::type).containsExactly("directory");
    });
    assertThat(c.warnings()).singleElement().satisfies(w -> {
      assertThat(w.line()).isEqualTo(9);
      assertThat(w.message()).contains("readable by every user").contains("chmod 0600");
    });
  }

  @Test
  void unreadableConfigFileIsOneClearProblem() {
    assertThatThrownBy(() -> loader(Map.of()).load(tmp.resolve("nope.yaml"))).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).problems().get(0).message()).contains("check the path given to --config"));
  }
}
