package io.certferry.core.store;

import io.certferry.core.CertificateBundle;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The default {@link CertificateStore}: plain files in one folder.
 *
 * <pre>
 * accounts/&lt;acme-host&gt;/&lt;account&gt;/   account-key.pem (0600), account.json
 * certs/&lt;name&gt;/spec.json, state.json, deployments.json, pending-key.pem (0600), current, .lock
 * certs/&lt;name&gt;/order.json, order-key.pem (0600)   an ACME order placed and not yet stored
 * certs/&lt;name&gt;/versions/&lt;n&gt;/      cert.pem chain.pem fullchain.pem key.pem (0600) meta.json
 * local-ca/                        ca.pem, ca-key.pem (0600)
 * watched/&lt;name&gt;.json              what a watched endpoint served at the last check, and the alerts sent
 * </pre>
 *
 * <p>Folders are 0700. Every file is replaced through a temporary file, fsync and rename; a version
 * is written whole under a temporary folder name, renamed to its number, and only then does
 * {@code current} move to it. A crash therefore leaves the old or the new state, and leftover
 * temporary names (starting with {@code .tmp-}) and version folders above {@code current} are
 * ignored by reads and removed by the lineage's first write in each process that opens it. Version
 * numbers only grow: a rollback adds the older bundle again as a new version. Writes to a lineage take its lock; {@link #lock} holds it across processes.
 *
 * <pre>
 * CertificateStore store = FileStore.open(Path.of("/var/lib/certferry"));
 * </pre>
 *
 * @since 0.1
 */
public final class FileStore implements CertificateStore {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final String CURRENT = "current";

  private final Path root;
  private final Clock clock;
  private final Duration lockTimeout;
  private final AtomicFiles files;
  private final AccountFiles accounts;
  private final WatchFiles watched;
  private final VersionFiles versions;

  private FileStore(Builder b) {
    this.root = b.root.toAbsolutePath().normalize();
    this.clock = b.clock;
    this.lockTimeout = b.lockTimeout;
    this.files = new AtomicFiles(b.steps);
    this.accounts = new AccountFiles(root, files, lockTimeout);
    this.watched = new WatchFiles(root, files);
    this.versions = new VersionFiles(files, clock);
  }

  /**
   * A store in {@code root} with the system clock and a 30-second lock timeout.
   *
   * @since 0.1
   */
  public static FileStore open(Path root) { return builder().root(root).build(); }

  /**
   * A builder; the root folder is required.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * The store's folder.
   *
   * @since 0.1
   */
  public Path root() { return root; }

  /**
   * Checks a lineage name: 1 to 64 characters of {@code a-z 0-9 . _ -}, starting with a letter or
   * digit, so it is always one safe folder name.
   *
   * @throws IllegalArgumentException naming the value and the rule
   * @since 0.1
   */
  public static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name '" + name + "' is not a valid lineage name: use 1-64 characters "
          + "a-z, 0-9, '.', '_' or '-', starting with a letter or digit (for example 'example-org')");
    }
    return name;
  }

  // ---- lineages ------------------------------------------------------------------------------

  @Override
  public List<String> names() {
    Path certs = root.resolve("certs");
    if (!Files.isDirectory(certs)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(certs)) {
      return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .filter(FileStore::isLineage)
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new StoreException("cannot list " + certs + ": " + e.getMessage(), e);
    }
  }

  // A folder holding only a lock file (someone called lock() and nothing more) is not a lineage.
  private static boolean isLineage(Path dir) {
    return Files.exists(dir.resolve("spec.json")) || Files.exists(dir.resolve(CURRENT))
        || Files.exists(dir.resolve("pending-key.pem"));
  }

  @Override
  public Optional<LineageSpec> spec(String name) {
    Path f = lineage(name).resolve("spec.json");
    return readIfPresent(f).map(json -> StoreJson.readSpec(json, f.toString()));
  }

  @Override
  public void saveSpec(LineageSpec spec) {
    String name = checkName(spec.name());
    writeRecord(name, "spec.json", StoreJson.write(spec));
  }

  @Override
  public Optional<StoredVersion> current(String name) { return versions.current(lineage(name)); }

  /** Versions up to the current one: a higher folder is an add that crashed before it became current. */
  @Override
  public List<StoredVersion> versions(String name) { return versions.upToCurrent(lineage(name)); }

  @Override
  public CertificateBundle load(String name, int version) { return versions.load(name, lineage(name), version); }

  @Override
  public StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details) {
    checkName(name);
    Objects.requireNonNull(source, "source");
    try (Lock ignored = lock(name)) {
      return versions.add(root, lineage(name), bundle, source, details);
    } catch (IOException e) {
      throw new StoreException("cannot store a new version of lineage '" + name + "': " + e.getMessage(), e);
    }
  }

  // ---- pending key, deployments, state ---------------------------------------------------------

  @Override
  public Optional<PrivateKey> pendingKey(String name) {
    Path f = lineage(name).resolve("pending-key.pem");
    if (!Files.exists(f)) {
      return Optional.empty();
    }
    return Optional.of(StorePem.readPrivateKey(readBytes(f), f.toString()));
  }

  @Override
  public void savePendingKey(String name, PrivateKey key) {
    writeLineageFile(checkName(name), "pending-key.pem", ascii(StorePem.privateKey(key)), AtomicFiles.SECRET);
  }

  @Override
  public void clearPendingKey(String name) {
    checkName(name);
    try (Lock ignored = lock(name)) {
      files.delete(lineage(name).resolve("pending-key.pem"));
    } catch (IOException e) {
      throw new StoreException("cannot remove the pending key of lineage '" + name + "': " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<PendingOrder> pendingOrder(String name) { return OrderFiles.read(lineage(name)); }

  @Override
  public void savePendingOrder(String name, PendingOrder order) {
    checkName(name);
    try (Lock ignored = lock(name)) {
      files.removeTemporaries(lineage(name));
      OrderFiles.write(files, lineage(name), order);
    } catch (IOException e) {
      throw new StoreException("cannot keep the pending order of lineage '" + name + "': " + e.getMessage(), e);
    }
  }

  @Override
  public void clearPendingOrder(String name) {
    checkName(name);
    try (Lock ignored = lock(name)) {
      OrderFiles.delete(files, lineage(name));
    } catch (IOException e) {
      throw new StoreException("cannot remove the pending order of lineage '" + name + "': " + e.getMessage(), e);
    }
  }

  @Override
  public Deployments deployments(String name) {
    Path f = lineage(name).resolve("deployments.json");
    return readIfPresent(f).map(json -> StoreJson.read(json, Deployments.class, f.toString())).orElseGet(() -> Deployments.empty());
  }

  @Override
  public void saveDeployments(String name, Deployments deployments) {
    writeRecord(checkName(name), "deployments.json", StoreJson.write(deployments));
  }

  @Override
  public LineageState state(String name) {
    Path f = lineage(name).resolve("state.json");
    return readIfPresent(f).map(json -> StoreJson.read(json, LineageState.class, f.toString())).orElseGet(() -> LineageState.empty());
  }

  @Override
  public void saveState(String name, LineageState state) {
    writeRecord(checkName(name), "state.json", StoreJson.write(state));
  }

  @Override
  public Lock lock(String name) { return lock(name, lockTimeout); }

  /** Takes the lineage's lock only when no other process or thread holds it. */
  @Override
  public Lock tryLock(String name) { return lock(name, Duration.ZERO); }

  private Lock lock(String name, Duration timeout) {
    checkName(name);
    Path dir = lineage(name);
    try {
      files.createDirectories(root, dir);
    } catch (IOException e) {
      throw new StoreException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return LineageLocks.acquire("lineage '" + name + "'", name, dir.resolve(".lock"), timeout);
  }

  /** A record the engine rebuilds when it is behind: replaced atomically, without the folder fsync. */
  private void writeRecord(String name, String file, byte[] content) {
    try (Lock ignored = lock(name)) {
      files.removeTemporariesOnce(lineage(name));
      files.replaceRecord(lineage(name).resolve(file), content, AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new StoreException("cannot write " + lineage(name).resolve(file) + ": " + e.getMessage(), e);
    }
  }

  private void writeLineageFile(String name, String file, byte[] content, Set<PosixFilePermission> perms) {
    try (Lock ignored = lock(name)) {
      files.removeTemporariesOnce(lineage(name));
      files.write(lineage(name).resolve(file), content, perms);
    } catch (IOException e) {
      throw new StoreException("cannot write " + lineage(name).resolve(file) + ": " + e.getMessage(), e);
    }
  }

  // ---- accounts and local CA --------------------------------------------------------------------

  @Override
  public Lock lockAccount(URI directory, String accountName) { return accounts.lock(directory, accountName); }

  @Override
  public Optional<StoredAccount> account(URI directory, String accountName) {
    return accounts.account(directory, accountName);
  }

  @Override
  public void saveAccount(StoredAccount account) { accounts.save(account); }

  @Override
  public Optional<LocalCaMaterial> localCa() { return accounts.localCa(); }

  @Override
  public void saveLocalCa(LocalCaMaterial ca) { accounts.saveLocalCa(ca); }

  // ---- watched endpoints: watched/<name>.json ---------------------------------------------------

  @Override
  public Optional<WatchRecord> watchRecord(String name) { return watched.read(name); }

  @Override
  public List<WatchRecord> watchRecords() { return watched.all(); }

  @Override
  public void saveWatchRecord(WatchRecord record) { watched.save(record); }

  @Override
  public void deleteWatchRecord(String name) { watched.delete(name); }

  // ---- helpers -------------------------------------------------------------------------------

  private Path lineage(String name) { return root.resolve("certs").resolve(checkName(name)); }

  static byte[] readBytes(Path f) {
    try {
      return Files.readAllBytes(f);
    } catch (IOException e) {
      throw new StoreException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  /** The file's bytes, or empty when it does not exist (one open, where exists-then-read costs two calls). */
  static Optional<byte[]> readIfPresent(Path f) {
    try {
      return Optional.of(Files.readAllBytes(f));
    } catch (NoSuchFileException absent) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StoreException("cannot read " + f + ": " + e.getMessage(), e);
    }
  }

  static byte[] ascii(String s) { return s.getBytes(StandardCharsets.US_ASCII); }

  /**
   * Builds a {@link FileStore}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Path root;
    private Clock clock = Clock.systemUTC();
    private Duration lockTimeout = Duration.ofSeconds(30);
    private FileSteps steps = FileSteps.NONE;

    private Builder() {}

    /**
     * The store's folder; created (0700) on first write.
     *
     * @since 0.1
     */
    public Builder root(Path root) { this.root = Objects.requireNonNull(root, "root"); return this; }

    /**
     * The clock that stamps {@code storedAt}; tests pass a fixed one.
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }

    /**
     * How long {@link FileStore#lock} waits for another holder before it gives up.
     *
     * @since 0.1
     */
    public Builder lockTimeout(Duration timeout) { this.lockTimeout = Objects.requireNonNull(timeout); return this; }

    /** Test seam: called before each file-system step, may throw to simulate a crash there. */
    Builder fileSteps(FileSteps steps) { this.steps = Objects.requireNonNull(steps); return this; }

    /**
     * The store; its folders are created (0700) when missing.
     *
     * @since 0.1
     */
    public FileStore build() {
      if (root == null) {
        throw new IllegalStateException("FileStore.builder(): root(Path) is required");
      }
      if (Files.exists(root) && !Files.isDirectory(root)) {
        throw new StoreException(root + " is not a folder; the store must be a folder (it is created when missing)");
      }
      return new FileStore(this);
    }
  }
}
