package io.certferry.provider.postgresql;

import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoreException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads of one store instance queue here, per key, before the first of them takes the lock the
 * database sees (a lease, an advisory lock) and the last lets it go. Re-entrant, so a write made inside
 * a caller's {@code lock(name)} uses the caller's hold instead of waiting for itself.
 *
 * @param <H> what the database lock returned (a lease's fencing token, a held connection)
 */
final class InProcessLocks<H> {
  /** Takes and releases the database's side of the lock. */
  interface Outer<H> {
    /** Takes the database's lock, waiting up to {@code timeout} (zero: not at all). */
    H take(String key, Duration timeout);

    void release(String key, H held);

    /** The exception for a key another thread of this process holds. */
    default StoreException busy(String key, String message) { return new StoreException(message); }
  }

  private static final class Entry<H> {
    final ReentrantLock jvmLock = new ReentrantLock();
    volatile H held;
  }

  // Entries are kept for the store's life: one small lock object per lineage or account ever locked.
  private final ConcurrentHashMap<String, Entry<H>> entries = new ConcurrentHashMap<>();
  private final Outer<H> outer;

  InProcessLocks(Outer<H> outer) { this.outer = outer; }

  /**
   * Waits up to {@code timeout} for the threads of this instance, then takes the outer lock (zero: takes both
   * only if free).
   *
   * @param what names the lock in errors, e.g. {@code lineage 'shop'}
   */
  CertificateStore.Lock acquire(String key, String what, Duration timeout) {
    Entry<H> e = entries.computeIfAbsent(key, k -> new Entry<>());
    try {
      if (!e.jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw outer.busy(key, what + " is locked by another thread of this agent" + (timeout.isZero() ? ""
            : "; waited " + timeout.toMillis() + " ms") + ". Wait for the step in hand to finish, then retry");
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the lock on " + what, ie);
    }
    if (e.jvmLock.getHoldCount() == 1) {
      try {
        e.held = outer.take(key, timeout);
      } catch (RuntimeException ex) {
        e.jvmLock.unlock();
        throw ex;
      }
    }
    return new Hold<>(key, e, outer);
  }

  /** What the calling thread holds for {@code key}, if it holds it. */
  Optional<H> heldByCurrentThread(String key) {
    Entry<H> e = entries.get(key);
    return e != null && e.jvmLock.isHeldByCurrentThread() ? Optional.ofNullable(e.held) : Optional.empty();
  }

  private static final class Hold<H> implements CertificateStore.Lock {
    private final String key;
    private final Entry<H> entry;
    private final Outer<H> outer;
    private boolean closed;

    Hold(String key, Entry<H> entry, Outer<H> outer) {
      this.key = key;
      this.entry = entry;
      this.outer = outer;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (entry.jvmLock.getHoldCount() == 1) {
          H held = entry.held;
          entry.held = null;
          outer.release(key, held);
        }
      } finally {
        entry.jvmLock.unlock();
      }
    }
  }
}
