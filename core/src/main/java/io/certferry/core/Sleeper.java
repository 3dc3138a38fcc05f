package io.certferry.core;

import java.time.Duration;

/**
 * Waits between attempts. Injected so retries and rate-limit waits are tested without sleeping: a test
 * sleeper advances a fake clock instead.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper SYSTEM = d -> {
    if (!d.isNegative() && !d.isZero()) {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
  };

  /**
   * Waits {@code duration} (nothing for zero or negative).
   *
   * @since 0.1
   */
  void sleep(Duration duration) throws InterruptedException;
}
