package io.certferry.provider.postgresql;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the leases of held locks alive: the store asks it to run a renewal every third of the lease
 * time for as long as a lock is held. The default runs renewals on a daemon thread of the store; a test
 * passes one it runs by hand, or never, to stand for an agent that was paused.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface LeaseRenewer {
  /** Runs {@code renewal} every {@code period}, first after one period, until the handle is closed. */
  Renewal every(Duration period, Runnable renewal);

  /** A scheduled renewal; closing it stops it. */
  interface Renewal extends AutoCloseable {
    @Override
    void close();
  }

  /** Renewals on {@code executor} (which the caller owns and shuts down). */
  static LeaseRenewer on(ScheduledExecutorService executor) {
    return (period, renewal) -> {
      ScheduledFuture<?> f = executor.scheduleWithFixedDelay(renewal, period.toMillis(), period.toMillis(),
          TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    };
  }
}
