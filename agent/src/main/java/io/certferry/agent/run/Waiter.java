package io.certferry.agent.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until an instant of a {@link Clock}, or until woken. The real one waits on the system's
 * time; tests drive their own and move a fake clock instead of sleeping.
 */
public interface Waiter {
  /**
   * Returns when {@code until} is reached or {@link #wake()} was called.
   *
   * @throws InterruptedException when interrupted
   */
  void awaitUntil(Instant until) throws InterruptedException;

  /** Ends the current (or next) wait early. */
  void wake();

  /** Waits on the clock's time, re-checking at least every minute (so a clock jump is noticed). */
  static Waiter on(Clock clock) {
    return new Waiter() {
      private boolean woken;

      @Override
      public synchronized void awaitUntil(Instant until) throws InterruptedException {
        while (!woken) {
          Duration left = Duration.between(clock.instant(), until);
          if (left.isNegative() || left.isZero()) {
            break;
          }
          wait(Math.max(1, Math.min(left.toMillis(), 60_000)));
        }
        woken = false;
      }

      @Override
      public synchronized void wake() {
        woken = true;
        notifyAll();
      }
    };
  }
}
