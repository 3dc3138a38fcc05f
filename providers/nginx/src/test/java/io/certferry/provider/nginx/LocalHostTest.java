package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHostTest {
  @TempDir Path tmp;
  private final LocalHost host = new LocalHost();

  @Test
  void writesAtomicallyWithTheExactModeAndLeavesNoTemporaryFile() throws Exception {
    Path key = tmp.resolve("key.pem");
    Files.writeString(key, "old");
    host.writeAtomically(key.toString(), "new".getBytes(StandardCharsets.UTF_8), FileSpec.ofMode(0640));
    assertThat(Files.readString(key)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-r-----");
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(key);
    }
  }

  @Test
  void aWriteIntoAMissingFolderFailsAndLeavesNothing() {
    assertThatThrownBy(() -> host.writeAtomically(tmp.resolve("no/key.pem").toString(), new byte[1], FileSpec.ofMode(0600)))
        .isInstanceOf(IOException.class);
    assertThat(tmp.resolve("no")).doesNotExist();
  }

  @Test
  void readsMissingFilesAsEmptyAndSlicesFromAnOffset() throws Exception {
    assertThat(host.read(tmp.resolve("none").toString())).isEmpty();
    assertThat(host.size(tmp.resolve("none").toString())).isEmpty();
    Path log = tmp.resolve("error.log");
    Files.writeString(log, "0123456789");
    assertThat(new String(host.readFrom(log.toString(), 4, 3), StandardCharsets.UTF_8)).isEqualTo("456");
    assertThat(host.readFrom(log.toString(), 10, 3)).isEmpty();
  }

  @Test
  void runsCommandsCapturingExitStatusAndBothStreams() throws Exception {
    CommandResult r = host.run("echo out; echo err >&2; exit 3", Duration.ofSeconds(30));
    assertThat(r.exitStatus()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r.output()).isEqualTo("err\nout");
  }

  @Test
  void aCommandThatOverrunsItsTimeoutIsKilledAndReported() {
    long start = System.nanoTime();
    assertThatThrownBy(() -> host.run("sleep 30", Duration.ofMillis(300)))
        .isInstanceOf(IOException.class).hasMessageContaining("did not finish within").hasMessageContaining("commandTimeout");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void aCommandWritingMuchToBothStreamsDoesNotBlock() throws Exception {
    CommandResult r = host.run("head -c 300000 /dev/zero | tr '\\0' e >&2; head -c 300000 /dev/zero | tr '\\0' o", Duration.ofSeconds(30));
    assertThat(r.exitStatus()).isZero();
    assertThat(r.stderr()).hasSize(300000);
    assertThat(r.stdout()).hasSize(300000);
  }
}
