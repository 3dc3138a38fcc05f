package io.certferry.provider.postgresql;

import static io.certferry.core.store.FileStore.checkName;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.FleetStore;
import io.certferry.core.store.KeyEncryptingStore;
import io.certferry.core.store.Leadership;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoreException;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.store.StoredVersion;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link CertificateStore} in PostgreSQL, shared by a fleet of agents: every agent on every machine
 * opens it on the same database and sees the same lineages, versions, deployments and accounts.
 *
 * <p><b>What a lock promises.</b> {@link #lock(String)} takes the lineage's <em>lease</em>: a row naming
 * this store as owner until an expiry (the lease time, 30 s by default), with a <em>fencing token</em>
 * that grows by one every time anyone takes the lease. It waits for a lease held by another agent until
 * the lock timeout, and takes over a lease that lapsed without asking its owner. While held, the lease
 * is renewed every third of the lease time. Every write to the lineage, inside a lock or not, is one
 * statement or transaction conditional on this store's owner and token and on the lease not having
 * lapsed by this store's clock; a write without a lock takes a lease of its own for its duration. So
 * once another agent has taken the lease over, nothing this store writes to the lineage lands: it fails
 * with {@link LeaseLostException} and the store is unchanged. That holds whatever the clocks say;
 * clocks that disagree by more than the lease time only make takeovers early or late.
 *
 * <p><b>What it does not promise.</b> It does not stop work outside the store: an agent paused past its
 * lease (GC, SIGSTOP, a partition) may still send an ACME order or push to a target before its next
 * store write fails. Those steps are idempotent or resumed from the store (a pending order, a target's
 * fingerprint), so the agent that took over converges. A holder is not told the moment its lease is
 * lost; its next write is. Reads never take a lease and may see another agent's writes as they land.
 *
 * <p><b>A fleet's leader.</b> As a {@link FleetStore} it holds one more lease, the fleet's leader lease, with a
 * term that grows like a fencing token: {@link #campaign} takes, renews or reports it in one statement.
 *
 * <p><b>ACME accounts.</b> {@link #lockAccount} is a PostgreSQL session advisory lock held on a
 * connection of its own until closed; the server frees it if the holder dies.
 *
 * <p><b>Keys at rest.</b> Private keys (versions, the pending key, a pending order's key), ACME account
 * keys and the local CA's key are sealed with AES-256-GCM under a {@link KeyEncryptionKey} that is never
 * in the database; {@link #rotate} re-seals them under a new one.
 *
 * <pre>
 * PostgresStore store = PostgresStore.builder()
 *     .url("jdbc:postgresql://db.internal:5432/certferry").user("certferry").password(password)
 *     .keyEncryptionKey(KeyEncryptionKey.parse(kekText, "keyEncryptionKey"))
 *     .build();
 * </pre>
 *
 * @since 0.1
 */
public final class PostgresStore implements FleetStore, KeyEncryptingStore, AutoCloseable {
  private final Database db;
  private final Leases leases;
  private final AccountLocks accountLocks;
  private final KeyVault keys;
  private final LineageTables lineages;
  private final FleetLeader leader;
  private final AutoCloseable resources;

  PostgresStore(Database db, Leases leases, AccountLocks accountLocks, KeyVault keys, LineageTables lineages,
                FleetLeader leader, AutoCloseable resources) {
    this.db = db;
    this.leases = leases;
    this.leader = leader;
    this.accountLocks = accountLocks;
    this.keys = keys;
    this.lineages = lineages;
    this.resources = resources;
  }

  public static PostgresStoreBuilder builder() { return new PostgresStoreBuilder(); }

  /** {@code host:port} of the server, as messages name it. */
  public String server() { return db.server(); }

  /** Who this store is in leases (host, process, instance), as other agents' messages name it. */
  @Override
  public String owner() { return leases.owner(); }

  /** How long a lineage's or the leader's lease lasts unless renewed (30 s by default). */
  @Override
  public Duration leaseTime() { return leases.leaseTime(); }

  /**
   * Takes the fleet's leader lease when it is free or has lapsed (a new term), renews it while this store holds it
   * and it has not lapsed by this store's clock (the same term), else reports who holds it: one statement.
   */
  @Override
  public Leadership campaign() { return leader.campaign(); }

  @Override
  public void resign() { leader.resign(); }

  /** The fencing token of the lease the calling thread holds on {@code name}, if it holds one. */
  public Optional<Long> heldFencingToken(String name) { return leases.heldToken(checkName(name)); }

  /** The id of the key-encryption key the keys are sealed under. */
  @Override
  public String keyEncryptionKeyId() { return keys.keyId(); }

  @Override
  public List<String> names() { return lineages.names(); }

  @Override
  public List<LineageSummary> summaries() { return lineages.summaries(); }

  /** Answered from the index on each lineage's next due instant: reads only the lineages that are due. */
  @Override
  public List<String> due(Instant now) { return lineages.due(Objects.requireNonNull(now, "now")); }

  @Override
  public Optional<LineageSpec> spec(String name) { return lineages.spec(checkName(name)); }

  @Override
  public void saveSpec(LineageSpec spec) {
    checkName(spec.name());
    lineages.saveSpec(spec);
  }

  @Override
  public Optional<StoredVersion> current(String name) { return lineages.current(checkName(name)); }

  @Override
  public List<StoredVersion> versions(String name) { return lineages.versions(checkName(name)); }

  @Override
  public CertificateBundle load(String name, int version) { return lineages.load(checkName(name), version); }

  @Override
  public StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details) {
    Objects.requireNonNull(source, "source");
    return lineages.addVersion(checkName(name), bundle, source, details);
  }

  @Override
  public Optional<PrivateKey> pendingKey(String name) { return lineages.pendingKey(checkName(name)); }

  @Override
  public void savePendingKey(String name, PrivateKey key) { lineages.savePendingKey(checkName(name), key); }

  @Override
  public void clearPendingKey(String name) { lineages.clearPendingKey(checkName(name)); }

  @Override
  public Optional<PendingOrder> pendingOrder(String name) { return lineages.pendingOrder(checkName(name)); }

  @Override
  public void savePendingOrder(String name, PendingOrder order) { lineages.savePendingOrder(checkName(name), order); }

  @Override
  public void clearPendingOrder(String name) { lineages.clearPendingOrder(checkName(name)); }

  @Override
  public Deployments deployments(String name) { return lineages.deployments(checkName(name)); }

  @Override
  public void saveDeployments(String name, Deployments deployments) {
    lineages.saveDeployments(checkName(name), deployments);
  }

  @Override
  public LineageState state(String name) { return lineages.state(checkName(name)); }

  @Override
  public void saveState(String name, LineageState state) { lineages.saveState(checkName(name), state); }

  /**
   * Takes the lineage's lease (see the class comment for what that promises), waiting up to the lock
   * timeout for another agent's; re-entrant within a thread.
   *
   * @throws StoreException naming the lineage and the agent holding it when the wait runs out
   */
  @Override
  public Lock lock(String name) { return leases.lock(checkName(name)); }

  /**
   * Takes the lineage's lease only if no other agent holds a live one: one statement, no wait.
   *
   * @throws io.certferry.core.store.LockedElsewhereException naming the agent holding it and when its lease lapses
   */
  @Override
  public Lock tryLock(String name) { return leases.tryLock(checkName(name)); }

  @Override
  public Lock lockAccount(URI directory, String accountName) {
    return accountLocks.lock(Objects.requireNonNull(directory, "directory"), checkName(accountName));
  }

  @Override
  public Optional<StoredAccount> account(URI directory, String accountName) {
    return keys.account(directory, checkName(accountName));
  }

  @Override
  public void saveAccount(StoredAccount account) {
    checkName(account.name());
    keys.saveAccount(account);
  }

  @Override
  public Optional<LocalCaMaterial> localCa() { return keys.localCa(); }

  @Override
  public void saveLocalCa(LocalCaMaterial ca) { keys.saveLocalCa(ca); }

  /**
   * Re-seals every key in the store under {@code next}, in one transaction (all rows or none), and uses
   * it from then on. Other agents must be given the new key: once this commits, the database refuses
   * keys they seal under the old one, and they cannot open the re-sealed rows.
   *
   * @return the number of keys re-sealed
   */
  public int rotate(KeyEncryptionKey next) {
    Objects.requireNonNull(next, "next");
    if (next.id().equals(keys.keyId())) {
      throw new IllegalArgumentException("the new key-encryption key is the one in use (" + next.id() + "); create a "
          + "new one with: openssl rand -base64 32");
    }
    int count = KeyRotation.rotate(db, keys.sealer(), new KeySealer(next));
    keys.use(next);
    return count;
  }

  /** {@link #rotate} to the key {@code newKey} is the text of (32 bytes, base64 or hex), as {@code store rotate-key} does. */
  @Override
  public int rotateKeyEncryptionKey(String newKey) {
    return rotate(KeyEncryptionKey.parse(newKey, "the new key-encryption key"));
  }

  /** Closes the connection pool and the lease renewals this store opened. Held locks are not released. */
  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new StoreException("cannot close the PostgreSQL store: " + e.getMessage(), e);
    }
  }

  /** Pool settings for a store that opens its own pool. */
  static HikariDataSource pool(PostgresStoreBuilder b) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("certferry-store");
    hc.setJdbcUrl(b.url);
    hc.setUsername(b.user);
    hc.setPassword(b.password);
    hc.setMaximumPoolSize(b.poolSize);
    hc.setMinimumIdle(1);
    hc.setConnectionTimeout(b.connectTimeout.toMillis());
    // Do not fail in the constructor: the first statement reports an unreachable server in our words.
    hc.setInitializationFailTimeout(-1);
    hc.addDataSourceProperty("connectTimeout", Math.max(1, b.connectTimeout.toSeconds()));
    // A statement on a dead connection (a partition) gives up within a lease time instead of hanging.
    hc.addDataSourceProperty("socketTimeout", Math.max(1, b.leaseTime.toSeconds()));
    hc.addDataSourceProperty("tcpKeepAlive", true);
    hc.addDataSourceProperty("ApplicationName", "certferry");
    return new HikariDataSource(hc);
  }
}
