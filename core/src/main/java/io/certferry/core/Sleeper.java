package io.certferry.core;

import java.time.Duration;

/**
 * Waits between attempts. Injected so retries and rate-limit waits are tested without sleeping: a test
 * sleeper advances a fake clock instead.
 */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the calling thread. */
  Sleeper SYSTEM = d -> {
    if (!d.isNegative() && !d.isZero()) {
      Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
    }
  };

  void sleep(Duration duration) throws InterruptedException;
}
