package io.certferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line main() builds: only the command named, every command otherwise. */
class MainTest {
  @Test
  void theCommandIsTheFirstWordThatIsNoOptionOrOptionValue() {
    assertThat(Main.commandIn(new String[] {"list", "--json"})).contains("list");
    assertThat(Main.commandIn(new String[] {"--store", "list", "show", "www"})).contains("show");
    assertThat(Main.commandIn(new String[] {"--store=/s", "--verbose", "run", "--once"})).contains("run");
    assertThat(Main.commandIn(new String[] {"--config", "a.yaml", "check-config"})).contains("check-config");
  }

  @Test
  void usageHelpAndMistypedNamesGetEveryCommand() {
    assertThat(Main.commandIn(new String[] {})).isEmpty();
    assertThat(Main.commandIn(new String[] {"--help"})).isEmpty();
    assertThat(Main.commandIn(new String[] {"help", "list"})).isEmpty();
    assertThat(Main.commandIn(new String[] {"lsit"})).isEmpty();
    assertThat(Main.commandLine(Environment.system(), Optional.empty()).getSubcommands())
        .containsOnlyKeys("help", "csr", "import", "list", "show", "issue", "revoke", "renew", "local-ca", "dns-persist",
            "store", "run", "check-config", "deploy", "discover", "doctor");
  }

  @Test
  void aNamedCommandRunsAloneWithTheGlobalOptionsAndTheErrorHandler(@TempDir Path store) throws Exception {
    CommandLine cl = Main.commandLine(Environment.system(), Optional.of("list"));
    assertThat(cl.getSubcommands()).containsOnlyKeys("list");
    StringWriter out = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("--store", store.toString(), "list", "--json")).isZero();
    assertThat(out.toString().replace(" ", "").strip()).isEqualTo("[]");

    Path notAFolder = Files.createFile(store.resolve("file"));
    StringWriter err = new StringWriter();
    CommandLine broken = Main.commandLine(Environment.system(), Optional.of("list"));
    broken.setErr(new PrintWriter(err, true));
    // the CLI's own handler answers (a one-line reason and the usage exit code), not picocli's stack trace
    assertThat(broken.execute("list", "--store", notAFolder.toString())).isNotZero();
    assertThat(err.toString()).contains(notAFolder.toString()).doesNotContain("\tat ");
  }
}
