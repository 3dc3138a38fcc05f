package io.certferry.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per lineage, across threads and processes. A {@link FileLock} is held per process, so
 * threads of one JVM first queue on a {@link ReentrantLock} shared by every store on the same
 * folder; the first holder then takes the file lock, which other processes see. Re-entrant, so a
 * write inside a caller's {@code lock(name)} does not deadlock.
 */
final class LineageLocks {
  // Keyed by the lock file's absolute path: two FileStore instances on one folder share the lock.
  private static final ConcurrentHashMap<Path, Entry> LOCKS = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 20;

  private LineageLocks() {}

  private static final class Entry {
    final ReentrantLock jvmLock = new ReentrantLock();
    FileChannel channel;
    FileLock fileLock;
  }

  /**
   * Takes the lock, waiting up to {@code timeout} (zero: not at all).
   *
   * @param name the lock in messages, e.g. {@code lineage 'shop'}
   * @param lineage the lineage's name, for the {@link LockedElsewhereException} of a busy lineage; null for other locks
   */
  static CertificateStore.Lock acquire(String name, String lineage, Path lockFile, Duration timeout) {
    Entry e = LOCKS.computeIfAbsent(lockFile.toAbsolutePath().normalize(), k -> new Entry());
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      if (!e.jvmLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(name, lineage, timeout, "another thread of this process");
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while waiting for the lock on " + name, ie);
    }
    if (e.jvmLock.getHoldCount() == 1) {
      try {
        takeFileLock(e, name, lineage, lockFile, timeout, deadline);
      } catch (RuntimeException ex) {
        e.jvmLock.unlock();
        throw ex;
      }
    }
    return new Held(e);
  }

  private static void takeFileLock(Entry e, String name, String lineage, Path lockFile, Duration timeout,
                                   long deadline) {
    try {
      FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(AtomicFiles.SECRET));
      try {
        FileLock fl;
        while ((fl = ch.tryLock()) == null) {
          if (System.nanoTime() >= deadline) {
            throw busy(name, lineage, timeout, "another process (" + lockFile + ")");
          }
          // FileChannel.lock() cannot time out, so poll; this waits only on real contention.
          Thread.sleep(POLL_MILLIS);
        }
        e.channel = ch;
        e.fileLock = fl;
      } catch (RuntimeException | InterruptedException ex) {
        ch.close();
        if (ex instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new StoreException("interrupted while waiting for the lock on " + name, ex);
        }
        throw (RuntimeException) ex;
      }
    } catch (IOException io) {
      throw new StoreException("cannot lock " + name + " (" + lockFile + "): " + io.getMessage(), io);
    }
  }

  private static StoreException busy(String name, String lineage, Duration timeout, String holder) {
    String message = name + " is locked by " + holder + (timeout.isZero() ? "" : "; waited " + timeout.toMillis() + " ms")
        + ". Wait for the other certferry command or agent step to finish, then retry";
    return lineage == null ? new StoreException(message) : new LockedElsewhereException(lineage, holder, null, message);
  }

  private static final class Held implements CertificateStore.Lock {
    private final Entry entry;
    private boolean closed;

    Held(Entry entry) { this.entry = entry; }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (entry.jvmLock.getHoldCount() == 1 && entry.channel != null) {
          try {
            entry.fileLock.release();
            entry.channel.close();
          } catch (IOException ignored) {
            // closing the channel releases the lock in any case
          } finally {
            entry.channel = null;
            entry.fileLock = null;
          }
        }
      } finally {
        entry.jvmLock.unlock();
      }
    }
  }
}
