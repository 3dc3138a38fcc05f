package io.certferry.core.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads that shake hands with a server in a loop until stopped, counting successes and failures: proof
 * that a certificate swap breaks no handshake. Bounded: each thread stops by itself after
 * {@link #MAX_PER_THREAD} handshakes or {@link #MAX_TIME}.
 */
public final class HandshakeLoop implements AutoCloseable {
  /** The most handshakes one thread makes. */
  public static final int MAX_PER_THREAD = 20_000;
  /** The longest the loop runs. */
  public static final Duration MAX_TIME = Duration.ofSeconds(90);

  /** One handshake; throws when it fails. */
  @FunctionalInterface
  public interface Attempt {
    void run(int thread, long n) throws Exception;
  }

  /** The loop's outcome: handshakes that succeeded and failed, and the first few failures. */
  public record Result(long ok, long failed, List<String> failures) {
    @Override
    public String toString() {
      return ok + " handshakes succeeded, " + failed + " failed" + (failures.isEmpty() ? "" : ": " + failures);
    }
  }

  private final List<Thread> threads = new ArrayList<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final Object counts = new Object();
  private long ok;
  private long failed;

  private HandshakeLoop() {}

  /** Starts {@code n} threads running {@code attempt} in a loop. */
  public static HandshakeLoop start(int n, Attempt attempt) {
    HandshakeLoop loop = new HandshakeLoop();
    Instant deadline = Instant.now().plus(MAX_TIME);
    for (int i = 0; i < n; i++) {
      int thread = i;
      Thread t = new Thread(() -> loop.run(thread, attempt, deadline), "handshake-loop-" + i);
      t.setDaemon(true);
      loop.threads.add(t);
      t.start();
    }
    return loop;
  }

  private void run(int thread, Attempt attempt, Instant deadline) {
    for (long i = 0; i < MAX_PER_THREAD && !stop.get() && Instant.now().isBefore(deadline); i++) {
      boolean good;
      try {
        attempt.run(thread, i);
        good = true;
      } catch (Exception e) {
        good = false;
        if (failures.size() < 5) {
          failures.add(e.toString());
        }
      }
      synchronized (counts) {
        if (good) {
          ok++;
        } else {
          failed++;
        }
        counts.notifyAll();
      }
    }
  }

  /** Waits until at least {@code n} handshakes were made in all (or the timeout passed); the count then. */
  public long awaitAtLeast(long n, Duration timeout) throws InterruptedException {
    Instant end = Instant.now().plus(timeout);
    synchronized (counts) {
      while (ok + failed < n) {
        long left = Duration.between(Instant.now(), end).toMillis();
        if (left <= 0) {
          break;
        }
        counts.wait(left);
      }
      return ok + failed;
    }
  }

  /** Stops every thread, waits for them and returns the counts. */
  public Result stop() throws InterruptedException {
    stop.set(true);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30).toMillis());
    }
    synchronized (counts) {
      return new Result(ok, failed, List.copyOf(failures));
    }
  }

  /** Stops the threads; an interrupt is kept for the caller. */
  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
