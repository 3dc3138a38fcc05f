package io.certferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;
import io.certferry.core.ReferenceSecrets;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code store:}: a folder, or a store block checked by its factory, each problem at its line and column. */
class StoreConfigTest {
  @TempDir
  Path tmp;

  static final String ONE_CERTIFICATE = "certificates: [{name: www, domains: [www.example.test], issuer: {type: local}}]";

  Path write(String yaml) throws Exception { return Files.writeString(tmp.resolve("agent.yaml"), yaml); }

  AgentConfig load(Path f, Map<String, String> env) throws ConfigException {
    return ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(env)).load(f);
  }

  @Test
  void aFolderIsAFileStoreAndAMappingSelectsTheStoreByType() throws Exception {
    AgentConfig folder = load(write("store: /var/lib/certferry\n" + ONE_CERTIFICATE + "\n"), Map.of());
    assertThat(folder.store()).isEqualTo(Path.of("/var/lib/certferry"));
    assertThat(folder.storeSettings().type()).isEqualTo("file");
    assertThat(folder.storeSettings().settings().get("path").asText()).isEqualTo("/var/lib/certferry");

    Path kek = Files.writeString(tmp.resolve("kek"), "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
    Files.setPosixFilePermissions(kek, PosixFilePermissions.fromString("rw-------"));
    AgentConfig pg = load(write(String.join("\n",
        "store:",
        "  type: postgresql",
        "  url: jdbc:postgresql://db.internal:5432/certferry",
        "  user: certferry",
        "  password: ${env:PG_PASSWORD}",
        "  keyEncryptionKey: ${file:" + kek + "}",
        ONE_CERTIFICATE,
        "")), Map.of("PG_PASSWORD", "s3cret"));
    assertThat(pg.store()).as("no folder").isNull();
    assertThat(pg.storeSettings().type()).isEqualTo("postgresql");
    assertThat(pg.storeSettings().settings().get("password").asText()).as("the reference, never the secret")
        .isEqualTo("${env:PG_PASSWORD}");
  }

  @Test
  void everyProblemOfAStoreBlockIsReportedAtItsLineAndColumnByCheckConfig() throws Exception {
    Path f = write(String.join("\n",
        "store:",                                          // 1
        "  type: postgresql",                              // 2
        "  url: http://db.internal/certferry",             // 3  not jdbc:postgresql://
        "  user: certferry",                               // 4
        "  password: hunter2",                             // 5  literal secret
        "  keyEncryptionKey: ${env:CERTFERRY_TEST_UNSET}", // 6  unresolvable
        "  leaseTime: 1s",                                 // 7  too short
        "  colour: blue",                                  // 8  unknown
        ONE_CERTIFICATE,
        ""));
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> load(f, Map.of()));
    assertThat(e.problems()).extracting(p -> p.line() + ":" + p.column() + " " + p.path())
        .containsExactly("3:3 store.url", "5:3 store.password", "6:21 store.keyEncryptionKey", "7:3 store.leaseTime",
            "8:3 store.colour");
    assertThat(e.problems()).noneMatch(p -> p.message().contains("hunter2"));

    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = Main.commandLine(Environment.system());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute("check-config", "--config", f.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(f + ":3:3: store.url: ").contains("jdbc:postgresql://")
        .contains(f + ":5:3: store.password: ").contains("${env:PG_PASSWORD}")
        .contains(f + ":6:21: store.keyEncryptionKey: ").contains("CERTFERRY_TEST_UNSET")
        .contains(f + ":7:3: store.leaseTime: ").contains("at least 3s")
        .contains(f + ":8:3: store.colour: ").contains("unknown setting 'colour'")
        .doesNotContain("hunter2");
  }

  @Test
  void anUnknownStoreTypeOrAListIsRefusedNamingTheInstalledTypes() throws Exception {
    ConfigException unknown = catchThrowableOfType(ConfigException.class,
        () -> load(write("store:\n  type: redis\n" + ONE_CERTIFICATE + "\n"), Map.of()));
    assertThat(unknown.problems()).singleElement().satisfies(p -> {
      assertThat(p.line() + ":" + p.column()).isEqualTo("2:9");
      assertThat(p.message()).contains("no installed provider registers store type 'redis'").contains("file, postgresql");
    });
    ConfigException list = catchThrowableOfType(ConfigException.class,
        () -> load(write("store: [a, b]\n" + ONE_CERTIFICATE + "\n"), Map.of()));
    assertThat(list.problems()).singleElement().satisfies(p -> assertThat(p.message())
        .contains("expected the store's folder").contains("installed store types: file, postgresql"));
  }
}
