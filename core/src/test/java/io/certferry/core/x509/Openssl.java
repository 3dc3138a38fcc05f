package io.certferry.core.x509;

import static org.junit.jupiter.api.Assertions.fail;

import io.certferry.core.testing.RequiredTools;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code openssl} binary in a test's temp folder with a timeout. When it is missing
 * the test is skipped with a message, or fails when {@code CERTFERRY_REQUIRE_E2E=1} (CI), through
 * {@link RequiredTools}.
 */
final class Openssl {
  private static final long TIMEOUT_SECONDS = 60;

  private Openssl() {}

  /** Skips (or, with CERTFERRY_REQUIRE_E2E=1, fails) the calling test when openssl is not installed. */
  static void require() {
    RequiredTools.require("openssl");
  }

  /** Runs openssl with {@code args} in {@code dir}, fails the test on a non-zero exit, returns stdout. */
  static String run(Path dir, String... args) {
    Result r = tryRun(dir, args);
    if (r.exit() != 0) {
      fail("openssl " + String.join(" ", args) + " exited " + r.exit() + ": " + r.stderr());
    }
    return r.stdout();
  }

  record Result(int exit, String stdout, String stderr) {}

  /** Runs openssl and returns its exit code and output, whatever the exit code. */
  static Result tryRun(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(RequiredTools.find("openssl").map(Path::toString).orElse("openssl"));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir, "openssl", ".out");
      Path err = Files.createTempFile(dir, "openssl", ".err");
      Process p = new ProcessBuilder(command).directory(dir.toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .start();
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail("openssl " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("openssl could not be started", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while openssl ran", e);
    }
  }
}
