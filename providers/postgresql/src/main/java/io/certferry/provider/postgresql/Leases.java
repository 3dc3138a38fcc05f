package io.certferry.provider.postgresql;

import io.certferry.core.Sleeper;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LockedElsewhereException;
import io.certferry.core.store.StoreException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-lineage leases in {@code certferry_lineage}: an owner, an expiry and a fencing token that grows by
 * one each time a lease is taken. A lease is taken when it is free or has lapsed, renewed in the
 * background while held, and released on close. Every write to a lineage goes through {@link #fenced},
 * whose statements carry {@link #FENCE}: they apply only while the row still names this owner and token
 * and the lease has not lapsed by the writer's clock, so the late writes of an agent that lost its lease
 * are refused by the database, not applied.
 */
final class Leases {
  private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

  /** The condition every fenced statement carries; {@link Fence#bind} fills its three parameters. */
  static final String FENCE = "lease_owner = ? AND fencing_token = ? AND lease_expires > ?";

  private static final String TAKE = "INSERT INTO certferry_lineage AS l (name, lease_owner, lease_expires, fencing_token) "
      + "VALUES (?, ?, ?, 1) ON CONFLICT (name) DO UPDATE SET lease_owner = EXCLUDED.lease_owner, "
      + "lease_expires = EXCLUDED.lease_expires, fencing_token = l.fencing_token + 1 "
      + "WHERE l.lease_owner IS NULL OR l.lease_expires <= ? RETURNING l.fencing_token";

  /** A lease held by this store: its token, and the renewal keeping it alive. */
  static final class Grant {
    final long token;
    volatile LeaseRenewer.Renewal renewal;

    Grant(long token) { this.token = token; }
  }

  /** One fenced write's credentials: who writes, under which token, at what time by its clock. */
  record Fence(String lineage, String owner, long token, Instant now) {
    /** {@code values} followed by the lineage's name and the three parameters of {@link #FENCE}. */
    Object[] after(Object... values) {
      Object[] out = Arrays.copyOf(values, values.length + 4);
      out[values.length] = lineage;
      out[values.length + 1] = owner;
      out[values.length + 2] = token;
      out[values.length + 3] = now;
      return out;
    }
  }

  /** A fenced write. */
  @FunctionalInterface
  interface Fenced<T> {
    T run(Fence fence);
  }

  private final Database db;
  private final String owner;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration leaseTime;
  private final Duration lockTimeout;
  private final LeaseRenewer renewer;
  private final InProcessLocks<Grant> locks = new InProcessLocks<>(new InProcessLocks.Outer<>() {
    @Override
    public Grant take(String name, Duration wait) { return takeLease(name, wait); }

    @Override
    public void release(String name, Grant grant) { releaseLease(name, grant); }

    @Override
    public StoreException busy(String name, String message) {
      return new LockedElsewhereException(name, "another thread of this agent", null, message);
    }
  });

  Leases(Database db, String owner, Clock clock, Sleeper sleeper, Duration leaseTime, Duration lockTimeout,
         LeaseRenewer renewer) {
    this.db = db;
    this.owner = owner;
    this.clock = clock;
    this.sleeper = sleeper;
    this.leaseTime = leaseTime;
    this.lockTimeout = lockTimeout;
    this.renewer = renewer;
  }

  String owner() { return owner; }

  CertificateStore.Lock lock(String name) { return locks.acquire(name, "lineage '" + name + "'", lockTimeout); }

  /** The lease only if no other agent (or thread) holds it: one statement, no wait. */
  CertificateStore.Lock tryLock(String name) { return locks.acquire(name, "lineage '" + name + "'", Duration.ZERO); }

  Duration leaseTime() { return leaseTime; }

  /** The token of the lease the calling thread holds on {@code name}, if any. */
  Optional<Long> heldToken(String name) { return locks.heldByCurrentThread(name).map(g -> g.token); }

  /** Runs a write under the caller's lease on {@code name}, or under a short lease of its own. */
  <T> T fenced(String name, Fenced<T> write) {
    try (CertificateStore.Lock ignored = lock(name)) {
      Grant g = locks.heldByCurrentThread(name).orElseThrow();
      return write.run(new Fence(name, owner, g.token, clock.instant()));
    }
  }

  /** The exception for a fenced statement that matched no row: says who holds the lineage now. */
  LeaseLostException rejected(Fence f, String what) {
    String why = db.one("read the lease of lineage '" + f.lineage() + "'",
        "SELECT lease_owner, lease_expires, fencing_token FROM certferry_lineage WHERE name = ?", rs -> {
          String holder = rs.getString(1);
          long token = rs.getLong(3);
          if (owner.equals(holder) && token == f.token()) {
            return "its lease (fencing token " + token + ") lapsed at " + rs.getObject(2, OffsetDateTime.class).toInstant()
                + " by this agent's clock (" + f.now() + "): it was paused or cut off and its renewals did not get through";
          }
          return "it no longer holds its lease (fencing token " + f.token() + "); the lease is now held by "
              + holder(holder, rs.getObject(2, OffsetDateTime.class), token) + ", which owns the lineage now";
        }, f.lineage()).orElse("the lineage has no lease row");
    return new LeaseLostException(f.lineage(), f.token(), "lineage '" + f.lineage() + "': refused to " + what
        + " for agent " + owner + ": " + why + ". Nothing was written; take the lock again before working on it");
  }

  private Grant takeLease(String name, Duration wait) {
    Instant deadline = clock.instant().plus(wait);
    Duration poll = pollInterval();
    while (true) {
      Optional<Long> token = tryTake(name);
      if (token.isPresent()) {
        Grant g = new Grant(token.get());
        g.renewal = renewer.every(leaseTime.dividedBy(3), () -> renew(name, g));
        return g;
      }
      if (!clock.instant().isBefore(deadline)) {
        throw lockedElsewhere(name, wait);
      }
      try {
        sleeper.sleep(poll);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while waiting for the lease on lineage '" + name + "'", e);
      }
    }
  }

  private LockedElsewhereException lockedElsewhere(String name, Duration waited) {
    record Holder(String owner, Instant until, String text) {}
    Holder h = db.one("read the lease of lineage '" + name + "'",
        "SELECT lease_owner, lease_expires, fencing_token FROM certferry_lineage WHERE name = ?", rs -> {
          OffsetDateTime expires = rs.getObject(2, OffsetDateTime.class);
          return new Holder(rs.getString(1), expires == null ? null : expires.toInstant(),
              holder(rs.getString(1), expires, rs.getLong(3)));
        }, name).orElse(new Holder(null, null, "nobody"));
    String who = h.owner() == null ? "another agent" : "agent " + h.owner();
    String message = "lineage '" + name + "' is locked by " + h.text() + (waited.isZero() ? ""
        : "; waited " + waited.toMillis() + " ms") + ". Wait for the other agent's step to finish (or, if it died, for "
        + "its lease to lapse), then retry";
    return new LockedElsewhereException(name, who, h.until(), message);
  }

  private Duration pollInterval() {
    Duration quarter = lockTimeout.dividedBy(4);
    return quarter.compareTo(Duration.ofMillis(250)) > 0 ? Duration.ofMillis(250)
        : quarter.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : quarter;
  }

  private Optional<Long> tryTake(String name) {
    Instant now = clock.instant();
    return db.write("take the lease on lineage '" + name + "'",
        c -> Database.one(c, TAKE, rs -> rs.getLong(1), name, owner, now.plus(leaseTime), now));
  }

  private static String holder(String owner, OffsetDateTime expires, long token) {
    return owner == null ? "nobody (fencing token " + token + ")"
        : "agent " + owner + " (fencing token " + token + ", lease until " + expires.toInstant() + ")";
  }

  /** Extends the lease; a renewal that matches no row means another agent took it over. */
  private void renew(String name, Grant g) {
    try {
      int n = db.update("renew the lease on lineage '" + name + "'", "UPDATE certferry_lineage SET lease_expires = ? "
          + "WHERE name = ? AND lease_owner = ? AND fencing_token = ?", clock.instant().plus(leaseTime), name, owner, g.token);
      if (n == 0) {
        LOG.warn("lease on lineage '{}' (fencing token {}) was taken over by another agent; this agent's writes to it "
            + "are refused from now on", name, g.token);
        g.renewal.close();
      }
    } catch (StoreException e) {
      LOG.warn("lease on lineage '{}' could not be renewed ({}); it lapses unless a later renewal gets through",
          name, e.getMessage());
    }
  }

  private void releaseLease(String name, Grant g) {
    g.renewal.close();
    try {
      db.update("release the lease on lineage '" + name + "'", "UPDATE certferry_lineage SET lease_owner = NULL, "
          + "lease_expires = NULL WHERE name = ? AND lease_owner = ? AND fencing_token = ?", name, owner, g.token);
    } catch (StoreException e) {
      LOG.warn("lease on lineage '{}' could not be released ({}); it lapses within {}", name, e.getMessage(), leaseTime);
    }
  }
}
