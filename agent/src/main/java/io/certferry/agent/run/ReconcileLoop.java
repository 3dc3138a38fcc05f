package io.certferry.agent.run;

import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loop: a reconcile pass, then a wait until the pass's {@code nextWakeUp} (earliest
 * renewal, retry, ARI poll or the maximum interval), again and again until stopped. Stopping lets
 * the pass in hand finish its certificates in flight and skips the rest.
 */
public final class ReconcileLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
  /** A wake-up never comes sooner than this after a pass, so a bug cannot spin the loop. */
  static final Duration MIN_PAUSE = Duration.ofSeconds(1);

  private final CertManager manager;
  private final Clock clock;
  private final Waiter waiter;
  private final Consumer<ReconcileReport> afterPass;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopping;

  public ReconcileLoop(CertManager manager, Clock clock, Waiter waiter, Consumer<ReconcileReport> afterPass) {
    this.manager = manager;
    this.clock = clock;
    this.waiter = waiter;
    this.afterPass = afterPass;
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        ReconcileReport report = manager.reconcile();
        afterPass.accept(report);
        if (stopping) {
          break;
        }
        Instant next = report.nextWakeUp();
        Instant floor = clock.instant().plus(MIN_PAUSE);
        if (next.isBefore(floor)) {
          next = floor;
        }
        LOG.info("pass done: {} certificate(s), {}; next pass at {}", report.certificates().size(),
            report.allGood() ? "all valid and in sync" : "some need attention", next);
        waiter.awaitUntil(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.countDown();
    }
  }

  /** Asks the loop to stop: the pass in hand finishes what is in flight, no new pass starts. */
  public void stop() {
    stopping = true;
    manager.stop();
    waiter.wake();
  }

  /** Waits up to {@code timeout} for the loop to end; true when it did. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
