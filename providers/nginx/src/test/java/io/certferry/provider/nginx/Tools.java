package io.certferry.provider.nginx;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips a test whose binary is missing, or fails it when {@code CERTFERRY_REQUIRE_E2E=1} (CI).
 * Private stand-in for core's {@code io.certferry.core.testing.RequiredTools} until that lands in main.
 */
final class Tools {
  private Tools() {}

  static Path require(String path, String debianPackage) {
    Path p = Path.of(path);
    if (!Files.isExecutable(p)) {
      String message = path + " is missing; install the Debian package " + debianPackage + " (apt-get install -y "
          + debianPackage + ") to run this test";
      if ("1".equals(System.getenv("CERTFERRY_REQUIRE_E2E"))) {
        fail(message + " (CERTFERRY_REQUIRE_E2E=1 makes this a failure)");
      }
      Assumptions.abort(message);
    }
    return p;
  }
}
