package io.certferry.provider.postgresql;

import io.certferry.core.Sleeper;
import io.certferry.core.store.StoreException;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;

/**
 * Builds a {@link PostgresStore}: {@link #build()} connects, brings the schema up to date and checks the
 * key-encryption key, so a store that builds is ready to use.
 *
 * @since 0.1
 */
public final class PostgresStoreBuilder {
  String url;
  String user;
  String password;
  private DataSource dataSource;
  private KeyEncryptionKey kek;
  int poolSize = 4;
  Duration leaseTime = Duration.ofSeconds(30);
  private Duration lockTimeout = Duration.ofSeconds(30);
  Duration connectTimeout = Duration.ofSeconds(10);
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.SYSTEM;
  private LeaseRenewer renewer;
  private String owner;

  PostgresStoreBuilder() {}

  /** {@code jdbc:postgresql://HOST:PORT/DATABASE}; the store opens a pool of its own on it. */
  public PostgresStoreBuilder url(String url) { this.url = Objects.requireNonNull(url, "url"); return this; }

  public PostgresStoreBuilder user(String user) { this.user = Objects.requireNonNull(user, "user"); return this; }

  /** The password itself (resolved from its secret reference by the caller); never logged. */
  public PostgresStoreBuilder password(String password) { this.password = password; return this; }

  /** An application's own pool instead of {@link #url}; the store then does not close it. */
  public PostgresStoreBuilder dataSource(DataSource dataSource) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    return this;
  }

  /** The key that seals every private key (required). */
  public PostgresStoreBuilder keyEncryptionKey(KeyEncryptionKey kek) {
    this.kek = Objects.requireNonNull(kek, "kek");
    return this;
  }

  /** Connections in the pool (default 4); an account lock keeps one for as long as it is held. */
  public PostgresStoreBuilder poolSize(int size) {
    if (size < 2 || size > 64) {
      throw new IllegalArgumentException("poolSize must be 2 to 64, got " + size);
    }
    this.poolSize = size;
    return this;
  }

  /** How long a lease lasts without renewal (default 30 s): the time after which a dead agent's work is taken over. */
  public PostgresStoreBuilder leaseTime(Duration leaseTime) {
    if (leaseTime.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("leaseTime must be at least 1s, got " + leaseTime);
    }
    this.leaseTime = leaseTime;
    return this;
  }

  /** How long {@code lock} waits for another agent's lease before it gives up (default 30 s). */
  public PostgresStoreBuilder lockTimeout(Duration timeout) { this.lockTimeout = Objects.requireNonNull(timeout); return this; }

  /** How long to wait for a connection, to a server or from the pool (default 10 s). */
  public PostgresStoreBuilder connectTimeout(Duration timeout) {
    if (timeout.compareTo(Duration.ofMillis(250)) < 0) {
      throw new IllegalArgumentException("connectTimeout must be at least 250ms, got " + timeout);
    }
    this.connectTimeout = timeout;
    return this;
  }

  /** The clock of lease expiries and {@code storedAt}. */
  public PostgresStoreBuilder clock(Clock clock) { this.clock = Objects.requireNonNull(clock, "clock"); return this; }

  /** How waiting for a busy lease or account lock sleeps. */
  public PostgresStoreBuilder sleeper(Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper, "sleeper"); return this; }

  /** Who runs lease renewals; by default a daemon thread of the store. */
  public PostgresStoreBuilder leaseRenewer(LeaseRenewer renewer) {
    this.renewer = Objects.requireNonNull(renewer, "renewer");
    return this;
  }

  /** How this store is named in leases (default: host name, process id and a random suffix, unique per instance). */
  public PostgresStoreBuilder owner(String owner) { this.owner = Objects.requireNonNull(owner, "owner"); return this; }

  /**
   * Opens the store: connects, applies missing schema migrations and checks the key-encryption key.
   *
   * @throws StoreException naming the server and what to check when it cannot be reached, the login is
   *     refused, the schema is newer than this release or the key is not the one the store is sealed under
   */
  public PostgresStore build() {
    if (kek == null) {
      throw new IllegalStateException("PostgresStore.builder(): keyEncryptionKey(...) is required");
    }
    if (dataSource == null && (url == null || user == null)) {
      throw new IllegalStateException("PostgresStore.builder(): url(...) and user(...), or dataSource(...), are required");
    }
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    AutoCloseable closeAll = () -> {
      while (!resources.isEmpty()) {
        resources.pop().close();
      }
    };
    try {
      Database db;
      if (dataSource != null) {
        db = new Database(dataSource, url == null ? "the configured data source" : Database.server(url));
      } else {
        String server = Database.server(url);
        db = new Database(PostgresStore.pool(this), server);
        resources.push((AutoCloseable) db.dataSource());
      }
      LeaseRenewer r = renewer;
      if (r == null) {
        ScheduledExecutorService renewals = Executors.newSingleThreadScheduledExecutor(task -> {
          Thread t = new Thread(task, "certferry-lease-renewal");
          t.setDaemon(true);
          return t;
        });
        resources.push(renewals::shutdownNow);
        r = LeaseRenewer.on(renewals);
      }
      SchemaMigrations.apply(db);
      KeyVault keys = new KeyVault(db, kek);
      keys.checkStore();
      String me = owner == null ? defaultOwner() : owner;
      Leases leases = new Leases(db, me, clock, sleeper, leaseTime, lockTimeout, r);
      return new PostgresStore(db, leases, new AccountLocks(db, clock, sleeper, lockTimeout), keys,
          new LineageTables(db, leases, keys, clock), new FleetLeader(db, me, clock, leaseTime), closeAll);
    } catch (RuntimeException e) {
      try {
        closeAll.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static String defaultOwner() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    byte[] suffix = new byte[3];
    new SecureRandom().nextBytes(suffix);
    return host + "/" + ProcessHandle.current().pid() + "/" + HexFormat.of().formatHex(suffix);
  }
}
