package io.certferry.provider.postgresql;

import io.certferry.core.Sleeper;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoreException;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ACME account lock: a session advisory lock ({@code pg_advisory_lock}) on a 64-bit hash of the
 * directory and account name, held on a connection of its own until closed. It needs no lease: the
 * server releases it when the holder's connection ends, so an agent that dies mid-registration frees it.
 */
final class AccountLocks {
  private static final Logger LOG = LoggerFactory.getLogger(AccountLocks.class);

  /** The connection holding an advisory lock, and the lock's key. */
  record Held(Connection connection, long key) {}

  private final Database db;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final InProcessLocks<Held> locks = new InProcessLocks<>(new InProcessLocks.Outer<>() {
    @Override
    public Held take(String key, Duration wait) { return takeLock(key); }

    @Override
    public void release(String key, Held held) { releaseLock(held); }
  });

  AccountLocks(Database db, Clock clock, Sleeper sleeper, Duration timeout) {
    this.db = db;
    this.clock = clock;
    this.sleeper = sleeper;
    this.timeout = timeout;
  }

  CertificateStore.Lock lock(URI directory, String account) {
    return locks.acquire(directory + "\n" + account, "ACME account '" + account + "' at " + directory, timeout);
  }

  private Held takeLock(String id) {
    long key = key(id);
    String what = "ACME account '" + id.substring(id.indexOf('\n') + 1) + "'";
    Connection c = db.connection("take the lock on " + what);
    try {
      Instant deadline = clock.instant().plus(timeout);
      while (!tryLock(c, key)) {
        if (!clock.instant().isBefore(deadline)) {
          throw new StoreException(what + " is locked by another agent registering it; waited " + timeout.toMillis()
              + " ms. Wait for that registration to finish, then retry");
        }
        sleeper.sleep(Duration.ofMillis(Math.max(10, Math.min(250, timeout.toMillis() / 4))));
      }
      return new Held(c, key);
    } catch (SQLException e) {
      closeQuietly(c);
      throw db.failure("take the lock on " + what, e);
    } catch (InterruptedException e) {
      closeQuietly(c);
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the lock on " + what, e);
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static boolean tryLock(Connection c, long key) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
      ps.setLong(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  private static void releaseLock(Held h) {
    try (PreparedStatement ps = h.connection().prepareStatement("SELECT pg_advisory_unlock(?)")) {
      ps.setLong(1, h.key());
      ps.executeQuery().close();
      h.connection().close();
    } catch (SQLException e) {
      // The lock lives as long as its session: end the session rather than pool it with the lock held.
      LOG.debug("advisory unlock failed ({}); dropping the connection", e.getMessage());
      try {
        h.connection().abort(Runnable::run);
      } catch (SQLException ignored) {
        // the connection is gone, and the lock with it
      }
      closeQuietly(h.connection());
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // nothing to release that the server does not release itself
    }
  }

  static long key(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(("certferry acme account\n" + id).getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(d).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
