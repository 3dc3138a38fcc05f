package io.certferry.core.deploy.local;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.VerifyResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs a hook with the bundle's files: they are written to a private folder (0700, key 0600), their
 * paths passed in {@code CERTFERRY_*} variables, and the folder removed after the hook returns. The
 * hook must copy what it keeps. A hook cannot tell what is deployed, so the agent relies on its
 * record in {@code deployments.json}; a zero exit is the verification.
 *
 * @since 0.1
 */
public final class ExecTarget implements DeployTarget {
  private final String id;
  private final String lineage;
  private final HookCommand command;
  private final Path workRoot;
  private final Clock clock;

  ExecTarget(String id, String lineage, HookCommand command, Path workRoot, Clock clock) {
    this.id = id;
    this.lineage = lineage;
    this.command = command;
    this.workRoot = workRoot;
    this.clock = clock;
  }

  @Override
  public String id() { return id; }

  @Override
  public Optional<String> deployedFingerprint() { return Optional.empty(); }

  /** A hook cannot be asked; its record in deployments.json stands for it. */
  @Override
  public boolean reportsWhatItServes() { return false; }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    Path dir;
    try {
      dir = workRoot == null
          ? Files.createTempDirectory("certferry-" + id + "-", PosixFilePermissions.asFileAttribute(BundleFiles.mode("700")))
          : Files.createTempDirectory(workRoot, "certferry-" + id + "-", PosixFilePermissions.asFileAttribute(BundleFiles.mode("700")));
      BundleFiles.write(dir, bundle, BundleFiles.mode("600"), BundleFiles.mode("600"));
    } catch (IOException e) {
      throw new DeployException("target " + id + ": cannot write the files for the hook (" + e.getMessage()
          + "); check workDir and free space", e);
    }
    try {
      command.run(id, lineage, bundle, dir);
    } finally {
      removeQuietly(dir);
    }
    return DeployReceipt.changed(id, bundle.sha256(), clock.instant(), "hook " + command.argv().get(0) + " succeeded");
  }

  @Override
  public VerifyResult verify(CertificateBundle bundle) {
    return VerifyResult.skipped("target " + id + ": the hook exited 0; it cannot be asked what it serves");
  }

  private static void removeQuietly(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp folder left behind holds nothing the store does not have
    }
  }

  @Override
  public String toString() { return "ExecTarget{" + id + "}"; }
}
