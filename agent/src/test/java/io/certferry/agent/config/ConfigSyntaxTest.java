package io.certferry.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.core.ReferenceSecrets;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that is not YAML, not UTF-8 or not readable: one problem, at the place of the mistake, with its cause. */
class ConfigSyntaxTest {
  @TempDir
  Path tmp;

  ConfigProblem onlyProblem(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.withInstalledProviders(ReferenceSecrets.withEnvironment(Map.of())).load(file));
    assertThat(e).as("a ConfigException for " + file).isNotNull();
    assertThat(e.problems()).hasSize(1);
    return e.problems().get(0);
  }

  Path write(String text) throws Exception {
    return Files.writeString(tmp.resolve("agent.yaml"), text);
  }

  Path write(byte[] bytes) throws Exception {
    return Files.write(tmp.resolve("agent.yaml"), bytes);
  }

  @Test
  void tabIndentationIsReportedAtTheTabWithTheCauseAndAHint() throws Exception {
    // Was 2:10 "not valid YAML: while scanning for the next token": the end of the last good token, no cause.
    ConfigProblem p = onlyProblem(write("store: ./store\nschedule:\n\tmaxInterval: 12h\n"));
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.column()).isEqualTo(1);
    assertThat(p.message()).startsWith("not valid YAML: found character '\\t' that cannot start any token")
        .contains("indent with spaces")
        .doesNotContain("(TAB)");
    // The line quoted, the tab made visible, a caret under it.
    assertThat(p.message().lines()).containsSubsequence("    \\tmaxInterval: 12h", "    ^");
  }

  @Test
  void missingColonIsReportedAtTheKeyThatLacksIt() throws Exception {
    // Was 3:19: the end of line 3, the line before the mistake.
    ConfigProblem p = onlyProblem(write(String.join("\n",
        "store: ./store",
        "schedule:",
        "  maxInterval: 12h",
        "  parallelism 4",
        "http:",
        "  listen: 127.0.0.1:9595",
        "")));
    assertThat(p.line()).isEqualTo(4);
    assertThat(p.column()).isEqualTo(3);
    assertThat(p.message()).startsWith("not valid YAML: could not find expected ':'")
        .contains("write 'parallelism: ...' (a colon and a space after the key)");
    assertThat(p.message().lines()).containsSubsequence("      parallelism 4", "      ^");
  }

  @Test
  void unclosedQuoteIsReportedWhereItOpens() throws Exception {
    ConfigProblem p = onlyProblem(write("store: ./store\nhttp:\n  listen: '127.0.0.1:9595\n"));
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.column()).isEqualTo(11);
    assertThat(p.message()).startsWith("not valid YAML: found unexpected end of stream while scanning a quoted scalar")
        .contains("close the quote");
    assertThat(p.message().lines()).containsSubsequence("      listen: '127.0.0.1:9595", "              ^");
  }

  @Test
  void unclosedListNamesWhereItOpened() throws Exception {
    ConfigProblem p = onlyProblem(write("alerts:\n  levels: [30, 14\n  failureThreshold: 1h\n"));
    assertThat(p.message()).startsWith("not valid YAML: ")
        .contains("expected ',' or ']'")
        .contains("the flow sequence that opens at 2:11")
        .contains("close the list with ']'");
    assertThat(p.line()).isEqualTo(3);
  }

  @Test
  void aValueWithColonSpaceSaysToQuoteIt() throws Exception {
    ConfigProblem p = onlyProblem(write("store: ./store\nhttp:\n  listen: host: 9595\n"));
    assertThat(p.line()).isEqualTo(3);
    assertThat(p.column()).isEqualTo(15);
    assertThat(p.message()).startsWith("not valid YAML: mapping values are not allowed here").contains("quote the value");
  }

  @Test
  void aByteThatIsNotUtf8IsNamedAtItsLineAndColumn() throws Exception {
    // Was 1:1 "cannot read ... (MalformedInputException); check the path given to --config".
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(String.join("\n",
        "store: ./store",
        "notifications:",
        "  - type: sendgrid",
        "    apiKey: ${env:SENDGRID_API_KEY}",
        "    from: certferry@example.org",
        "    to: ops@example.org",
        "certificates:",
        "  # caf\u00e9 ").getBytes(StandardCharsets.UTF_8)); // line 8: a good two-byte character first
    out.write(0xC9); // 'É' in Latin-1, not UTF-8
    out.writeBytes("quipe\n".getBytes(StandardCharsets.UTF_8));
    ConfigProblem p = onlyProblem(write(out.toByteArray()));
    assertThat(p.line()).isEqualTo(8);
    assertThat(p.column()).isEqualTo(10); // columns count characters: "  # café " is 9
    assertThat(p.message()).contains("byte 0xC9 is not UTF-8").contains("the config must be UTF-8")
        .contains("Latin-1").contains("'\u00c9'").contains("iconv -f latin1 -t utf-8")
        .doesNotContain("check the path given to --config");
  }

  @Test
  void utf16IsRecognised() throws Exception {
    ConfigProblem p = onlyProblem(write("store: ./store\n".getBytes(StandardCharsets.UTF_16)));
    assertThat(p.line()).isEqualTo(1);
    assertThat(p.column()).isEqualTo(1);
    assertThat(p.message()).contains("UTF-16").contains("the config must be UTF-8");
  }

  @Test
  void aCutMultiByteCharacterAtTheEndIsNamed() throws Exception {
    byte[] text = "store: ./st\u00f6".getBytes(StandardCharsets.UTF_8);
    byte[] cut = Arrays.copyOf(text, text.length - 1); // drops the second byte of 'ö'
    ConfigProblem p = onlyProblem(write(cut));
    assertThat(p.line()).isEqualTo(1);
    assertThat(p.column()).isEqualTo(12);
    assertThat(p.message()).contains("byte 0xC3 is not UTF-8").contains("the file ends inside a character");
  }

  @Test
  void aMissingFileSaysSo() {
    ConfigProblem p = onlyProblem(tmp.resolve("nope.yaml"));
    assertThat(p.message()).isEqualTo(tmp.resolve("nope.yaml") + " does not exist; check the path given to --config");
  }

  @Test
  void aDirectorySaysSo() {
    ConfigProblem p = onlyProblem(tmp);
    assertThat(p.message()).isEqualTo(tmp + " is a directory, not a file; give the config file, e.g. --config "
        + tmp.resolve("agent.yaml"));
  }

  @Test
  void aFileThatCannotBeOpenedSaysWhy() throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      Path f = write("store: ./store\n");
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
      assertThat(onlyProblem(f).message()).isEqualTo(f + " cannot be read (permission denied); make it readable for "
          + "the user the agent runs as (e.g. chmod 0640 and group certferry)");
      return;
    }
    // Root reads every file whatever its mode; a Unix socket cannot be opened by anyone (ENXIO).
    Path socket = tmp.resolve("agent-socket.yaml");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertThat(onlyProblem(socket).message()).startsWith(socket + " cannot be read (")
          .endsWith("); check the path given to --config and its permissions");
    }
  }
}
