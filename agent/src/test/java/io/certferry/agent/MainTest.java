package io.certferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.ref.Reference;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

  @Test
  void anIdleJdkHttpClientsSelectorThreadIsEndedBeforeExit() throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      URI nobody = URI.create("http://127.0.0.1:" + closed.getLocalPort() + "/");
      closed.close(); // a refused connection is enough to start the client's selector thread
      try {
        client.send(HttpRequest.newBuilder(nobody).build(), HttpResponse.BodyHandlers.discarding());
      } catch (IOException refused) {
        // expected: nothing listens there
      }
    }
    assertThat(selectors()).isNotEmpty();

    Main.stopIdleNetworkThreads();

    assertThat(selectors()).isEmpty();
    Reference.reachabilityFence(client); // its selector ended because it was told to, not because it was collected
  }

  private static List<Thread> selectors() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().matches("HttpClient-\\d+-SelectorManager")).toList();
  }
}
