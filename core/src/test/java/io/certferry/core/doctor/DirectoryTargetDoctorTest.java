package io.certferry.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.deploy.local.DirectoryTarget;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory target checks its folder without writing anything. */
class DirectoryTargetDoctorTest {
  @TempDir Path tmp;

  private static CheckResult diagnose(Path dir) {
    return DirectoryTarget.of("files", "www", dir).diagnose(List.of("a.test")).get(0);
  }

  @Test
  void aWritableFolderAndOneTheFirstDeployCanCreateAreOk() throws Exception {
    assertThat(diagnose(tmp).message()).isEqualTo(tmp + " is writable");
    CheckResult later = diagnose(tmp.resolve("certs/www"));
    assertThat(later.status()).isEqualTo(CheckResult.Status.OK);
    assertThat(later.message()).isEqualTo(tmp.resolve("certs/www") + " does not exist yet; the first deploy creates it in " + tmp);
    assertThat(Files.exists(tmp.resolve("certs"))).as("nothing created").isFalse();
  }

  @Test
  void aPathBelowAFileFails() throws Exception {
    Files.writeString(tmp.resolve("file"), "x");

    CheckResult r = diagnose(tmp.resolve("file/www"));

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.message()).isEqualTo(tmp.resolve("file/www") + " cannot be created: " + tmp.resolve("file") + " is not a folder");
    assertThat(r.fix()).contains("point the target's path at a folder");
  }
}
