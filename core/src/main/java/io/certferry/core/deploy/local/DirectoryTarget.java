package io.certferry.core.deploy.local;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Discoverable;
import io.certferry.core.deploy.ServedCertificate;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Diagnosable;
import io.certferry.core.x509.Fingerprints;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Writes {@code cert.pem}, {@code chain.pem}, {@code fullchain.pem} and {@code key.pem} to a folder,
 * each atomically, with configurable modes, then runs an optional command (reload a server). What it
 * serves is read back from {@code cert.pem}.
 *
 * @since 0.1
 */
public final class DirectoryTarget implements DeployTarget, Discoverable, Diagnosable {
  private final String id;
  private final String lineage;
  private final Path dir;
  private final Set<PosixFilePermission> certMode;
  private final Set<PosixFilePermission> keyMode;
  private final Set<PosixFilePermission> dirMode;
  private final HookCommand after;
  private final Clock clock;

  DirectoryTarget(String id, String lineage, Path dir, String certMode, String keyMode, String dirMode,
                  HookCommand after, Clock clock) {
    this.id = id;
    this.lineage = lineage;
    this.dir = dir;
    this.certMode = BundleFiles.mode(certMode);
    this.keyMode = BundleFiles.mode(keyMode);
    this.dirMode = BundleFiles.mode(dirMode);
    this.after = after;
    this.clock = clock;
  }

  /**
   * A target writing to {@code dir} with modes 0644 (certificates), 0600 (key), 0700 (folder) and no command.
   *
   * @since 0.1
   */
  public static DirectoryTarget of(String id, String lineage, Path dir) {
    return new DirectoryTarget(id, lineage, dir, "644", "600", "700", null, Clock.systemUTC());
  }

  @Override
  public String id() { return id; }

  /**
   * The folder the files are written to.
   *
   * @since 0.1
   */
  public Path directory() { return dir; }

  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    try {
      return Optional.of(Fingerprints.sha256(readFirst(dir.resolve(BundleFiles.CERT))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | CertificateException e) {
      // An unreadable or damaged cert.pem is rewritten by the next deploy.
      return Optional.empty();
    }
  }

  /** The certificate in {@code cert.pem}, if there is one. */
  @Override
  public List<ServedCertificate> discover() throws DeployException {
    Path cert = dir.resolve(BundleFiles.CERT);
    try {
      return List.of(ServedCertificate.of(cert.toString(), readFirst(cert)));
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException | CertificateException e) {
      throw new DeployException("target " + id + ": cannot read " + cert + ": " + e.getMessage(), e);
    }
  }

  /** The folder is writable by this user, or can be created in its nearest existing parent; nothing is written. */
  @Override
  public List<CheckResult> diagnose(List<String> names) {
    String check = "target " + id;
    Path existing = dir.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      return List.of(CheckResult.fail(check, "folder", dir + " cannot be created: " + existing + " is not a folder",
          "point the target's path at a folder"));
    }
    if (!Files.isWritable(existing)) {
      return List.of(CheckResult.fail(check, "folder", (existing.equals(dir.toAbsolutePath()) ? dir + " is not writable"
          : dir + " does not exist and " + existing + " is not writable") + " by this user",
          "chown or chmod the folder so the agent's user may write it, or choose another path"));
    }
    return List.of(CheckResult.ok(check, "folder", existing.equals(dir.toAbsolutePath()) ? dir + " is writable"
        : dir + " does not exist yet; the first deploy creates it in " + existing));
  }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(dirMode));
      }
      BundleFiles.write(dir, bundle, certMode, keyMode);
    } catch (IOException e) {
      throw new DeployException("target " + id + ": cannot write to " + dir + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); check that the folder exists or can be created and the agent's user may write it", e);
    }
    if (after != null) {
      after.run(id, lineage, bundle, dir);
    }
    return new DeployReceipt(id, bundle.sha256(), clock.instant(), true, "wrote " + dir,
        Map.of("path", dir.toString()));
  }

  /** Reads every file back: cert.pem and fullchain.pem must start with the leaf, key.pem must hold the key. */
  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    try {
      String cert = Fingerprints.sha256(readFirst(dir.resolve(BundleFiles.CERT)));
      String full = Fingerprints.sha256(readFirst(dir.resolve(BundleFiles.FULLCHAIN)));
      if (!cert.equals(bundle.sha256()) || !full.equals(bundle.sha256())) {
        return VerifyResult.mismatch(bundle.sha256(), cert, dir + " holds " + cert + ", expected " + bundle.sha256());
      }
      if (!Arrays.equals(Files.readAllBytes(dir.resolve(BundleFiles.KEY)), BundleFiles.pemKey(bundle))) {
        return VerifyResult.mismatch(bundle.sha256(), cert, dir.resolve(BundleFiles.KEY) + " does not hold the certificate's key");
      }
      return VerifyResult.ok(dir + " holds " + bundle.sha256());
    } catch (IOException | CertificateException e) {
      return VerifyResult.unreachable("cannot read back " + dir + ": " + e.getMessage());
    }
  }

  private static X509Certificate readFirst(Path file) throws IOException, CertificateException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }

  @Override
  public String toString() { return "DirectoryTarget{" + id + " -> " + dir + "}"; }
}
