package io.certferry.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launchers' training run does what it says, inside its scratch folder only. */
class ClassDataTrainingTest {
  @Test
  void runsTheShortCommandsInTheScratchFolder(@TempDir Path dir) throws Exception {
    ClassDataTraining.train(dir);
    // run --once issued the local certificate and deployed it to the folder...
    assertThat(dir.resolve("out/cert.pem")).isRegularFile();
    assertThat(dir.resolve("store/certs/local/current")).isRegularFile();
    // ...and tried the ACME one against the closed port: a failure recorded, nothing issued.
    assertThat(Files.readString(dir.resolve("store/certs/acme/state.json"))).contains("ca-unreachable");
    assertThat(dir.resolve("store/certs/acme/current")).doesNotExist();
  }
}
