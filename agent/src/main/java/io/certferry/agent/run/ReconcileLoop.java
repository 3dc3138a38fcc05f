package io.certferry.agent.run;

import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's loop: a reconcile pass, then a wait until the pass's {@code nextWakeUp} (earliest
 * renewal, retry, ARI poll or the maximum interval), again and again until stopped. Stopping lets
 * the pass in hand finish its certificates in flight and skips the rest.
 *
 * <p>In a fleet ({@link FleetSeat}) only the leader passes: it looks at everything when its term starts (another
 * agent may have worked meanwhile), and at the due queue at least every third of the lease time (one query), so a
 * lineage another door made due, or whose holder died, is taken up within that. A standby waits for its seat.
 */
public final class ReconcileLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(ReconcileLoop.class);
  /** A wake-up never comes sooner than this after a pass, so a bug cannot spin the loop. */
  static final Duration MIN_PAUSE = Duration.ofSeconds(1);

  private final CertManager manager;
  private final Clock clock;
  private final Waiter waiter;
  private final Consumer<ReconcileReport> afterPass;
  private final FleetSeat seat;
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile boolean stopping;
  private long term = -1;
  private String lastSummary;

  public ReconcileLoop(CertManager manager, Clock clock, Waiter waiter, Consumer<ReconcileReport> afterPass) {
    this(manager, clock, waiter, afterPass, null);
  }

  /** The loop of one agent of a fleet: it passes only while {@code seat} leads (null: a lone agent, always). */
  public ReconcileLoop(CertManager manager, Clock clock, Waiter waiter, Consumer<ReconcileReport> afterPass,
                       FleetSeat seat) {
    this.manager = manager;
    this.clock = clock;
    this.waiter = waiter;
    this.afterPass = afterPass;
    this.seat = seat;
  }

  @Override
  public void run() {
    try {
      while (!stopping) {
        Instant next = seat == null || seat.leads() ? pass() : clock.instant().plus(seat.period());
        if (stopping) {
          break;
        }
        Instant floor = clock.instant().plus(MIN_PAUSE);
        waiter.awaitUntil(next.isBefore(floor) ? floor : next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished.countDown();
    }
  }

  /** One pass; returns when the next should start. */
  private Instant pass() throws InterruptedException {
    if (seat != null && seat.term() != term) {
      term = seat.term();
      manager.lookAtEverythingNext();
    }
    ReconcileReport report = manager.reconcile();
    afterPass.accept(report);
    Instant next = report.nextWakeUp();
    if (seat != null) {
      Instant poll = clock.instant().plus(seat.period());
      next = next.isBefore(poll) ? next : poll;
    }
    String summary = report.certificates().size() + " certificate(s), " + (report.allGood() ? "all valid and in sync"
        : "some need attention") + (report.heldElsewhere().isEmpty() ? "" : ", " + report.heldElsewhere().size()
        + " held elsewhere");
    // A leader looks at its due queue every few seconds; the log says so only when the picture changes.
    long millis = Duration.between(report.startedAt(), report.finishedAt()).toMillis();
    String took = String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    if (seat == null || !summary.equals(lastSummary)) {
      LOG.info("pass done in {}: {}; next pass at {}", took, summary, next);
    } else {
      LOG.debug("pass done in {}: {}; next pass at {}", took, summary, next);
    }
    lastSummary = summary;
    return next;
  }

  /** Asks the loop to stop: the pass in hand finishes what is in flight, no new pass starts. */
  public void stop() {
    stopping = true;
    manager.stop();
    waiter.wake();
  }

  /** Ends the current wait early (a seat that just started a term). */
  public void wake() { waiter.wake(); }

  /** Waits up to {@code timeout} for the loop to end; true when it did. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
