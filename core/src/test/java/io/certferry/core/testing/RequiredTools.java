package io.certferry.core.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests that need an external program (pebble, nginx, sshd, certbot, ...).
 *
 * <p>When the program is missing the test is skipped with a message naming it, unless the
 * environment variable {@code CERTFERRY_REQUIRE_E2E=1} is set (CI sets it): then the test fails,
 * so an end-to-end suite can never pass silently by skipping everything.
 */
public final class RequiredTools {

  /** Environment variable that turns a missing tool into a failure. */
  public static final String REQUIRE_E2E = "CERTFERRY_REQUIRE_E2E";

  private RequiredTools() {}

  /**
   * Returns the executable for {@code nameOrPath}, or skips/fails the calling test.
   *
   * @param nameOrPath an absolute path (e.g. {@code /usr/bin/pebble}) or a bare name searched on PATH
   * @return the path of the executable
   */
  public static Path require(String nameOrPath) {
    Optional<Path> found = find(nameOrPath);
    if (found.isPresent()) {
      return found.get();
    }
    requireCapability(false, nameOrPath + " is not installed; install it (Debian: apt-get install -y "
        + packageHint(nameOrPath) + ") to run this test");
    throw new IllegalStateException("unreachable");
  }

  /**
   * Skips the calling test when an installed tool lacks a capability it needs (e.g. openssl without
   * its legacy provider), or fails it when {@code CERTFERRY_REQUIRE_E2E=1}.
   */
  public static void requireCapability(boolean present, String message) {
    if (present) {
      return;
    }
    if (e2eRequired()) {
      throw new AssertionError(message + " (" + REQUIRE_E2E + "=1 makes a missing tool a failure)");
    }
    Assumptions.assumeTrue(false, message);
  }

  /** Requires every tool in order; see {@link #require(String)}. */
  public static void requireAll(String... namesOrPaths) {
    for (String name : namesOrPaths) {
      require(name);
    }
  }

  /** Finds an executable by absolute path or on PATH, without side effects. */
  public static Optional<Path> find(String nameOrPath) {
    if (nameOrPath.contains("/")) {
      Path p = Path.of(nameOrPath);
      return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }
    String pathEnv = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/local/bin:/usr/bin:/bin");
    for (String dir : pathEnv.split(File.pathSeparator)) {
      for (String base : new String[] {dir, "/usr/sbin", "/sbin"}) {
        Path candidate = Path.of(base, nameOrPath);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** True when CI demands that end-to-end tests run. */
  public static boolean e2eRequired() {
    return "1".equals(System.getenv(REQUIRE_E2E));
  }

  private static String packageHint(String nameOrPath) {
    String base = Path.of(nameOrPath).getFileName().toString();
    return switch (base) {
      case "pebble-challtestsrv" -> "pebble";
      case "sshd" -> "openssh-server";
      case "promtool" -> "prometheus";
      default -> base;
    };
  }
}
