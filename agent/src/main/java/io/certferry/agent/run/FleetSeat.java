package io.certferry.agent.run;

import io.certferry.core.store.FleetStore;
import io.certferry.core.store.Leadership;
import io.certferry.core.store.StoreException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This agent's seat in a fleet that shares a {@link FleetStore}: one agent leads and does all the work, the others
 * stand by. The seat campaigns for the leader lease at start and then every third of the lease time, on a thread of
 * its own, so the lease is renewed however long a pass takes. A standby campaigns again the moment the leader's
 * lease lapses (if that comes before its next turn), so when the leader dies or is cut off, a standby takes the
 * lease (a new term) within a lease time of the leader's last renewal, not a third of one later.
 *
 * <p>{@link #permit()} is the engine's work permit: empty only while this agent holds the lease by its own clock,
 * so a leader that was paused or lost the database stops at its next certificate, before the store's fencing would
 * refuse its writes.
 */
public final class FleetSeat implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FleetSeat.class);
  /** How long after a lapse by the leader's clock a standby campaigns, and the least wait between campaigns. */
  private static final Duration AFTER_LAPSE = Duration.ofMillis(100);
  private static final Duration MIN_WAIT = Duration.ofMillis(500);

  /** What the last campaign found, or why it failed. */
  public record View(Optional<Leadership> leadership, Optional<String> error, Instant at) {}

  private final FleetStore store;
  private final Clock clock;
  private final Runnable onTermStart;
  private final ScheduledExecutorService timer;
  private final AtomicReference<View> view;
  private volatile long ledTerm = -1;

  /**
   * @param onTermStart called (on the seat's thread) when this agent starts a term as leader: wake the loop
   */
  public FleetSeat(FleetStore store, Clock clock, Runnable onTermStart) {
    this.store = store;
    this.clock = clock;
    this.onTermStart = onTermStart;
    this.view = new AtomicReference<>(new View(Optional.empty(), Optional.of("no campaign yet"), clock.instant()));
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "certferry-fleet-seat");
      t.setDaemon(true);
      return t;
    });
  }

  /** Campaigns now, then every third of the lease time, or when the leader's lease lapses if that is sooner. */
  public FleetSeat start() {
    campaign();
    scheduleNext();
    return this;
  }

  private void scheduleNext() {
    try {
      timer.schedule(() -> {
        campaign();
        scheduleNext();
      }, nextCampaign(view.get(), clock.instant(), period()).toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closed) {
      // close() stopped the timer: no more campaigns
    }
  }

  /**
   * How long after {@code now} the next campaign comes: a third of the lease time, or just after another agent's
   * lease lapses when that is sooner (never sooner than {@code MIN_WAIT}: clocks that disagree cost a few campaigns,
   * not a loop).
   */
  static Duration nextCampaign(View v, Instant now, Duration period) {
    Duration wait = period;
    Optional<Leadership> l = v.leadership();
    if (l.isPresent() && !l.get().mine() && !l.get().leader().isEmpty()) {
      Duration toLapse = Duration.between(now, l.get().until()).plus(AFTER_LAPSE);
      wait = toLapse.compareTo(wait) < 0 ? toLapse : wait;
    }
    return wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait;
  }

  /** How often the seat campaigns, and how often a leader looks at the due queue. */
  public Duration period() { return store.leaseTime().dividedBy(3); }

  /** This agent, as leases name it. */
  public String agent() { return store.owner(); }

  /** The last campaign's view. */
  public View view() { return view.get(); }

  /** Whether this agent leads now, by its own clock. */
  public boolean leads() { return view.get().leadership().map(l -> l.heldAt(clock.instant())).orElse(false); }

  /** The term this agent leads in; meaningful while {@link #leads()}. */
  public long term() { return view.get().leadership().map(Leadership::term).orElse(-1L); }

  /** The engine's work permit: empty while this agent leads, else why it may not work. */
  public Optional<String> permit() {
    Instant now = clock.instant();
    View v = view.get();
    if (v.leadership().map(l -> l.heldAt(now)).orElse(false)) {
      return Optional.empty();
    }
    return Optional.of(standbyReason(v, now));
  }

  /** Why this agent does not work now, in one line. */
  static String standbyReason(View v, Instant now) {
    if (v.leadership().isEmpty()) {
      return "this agent does not lead the fleet: " + v.error().orElse("no campaign yet");
    }
    Leadership l = v.leadership().get();
    if (l.mine()) {
      return "this agent's leader lease lapsed at " + l.until() + " (term " + l.term() + ")"
          + v.error().map(e -> ": " + e).orElse("; it takes the lease again at its next campaign");
    }
    if (l.leader().isEmpty() || !now.isBefore(l.until())) {
      return "no agent leads the fleet now; the next campaign takes the lease";
    }
    return "agent " + l.leader() + " leads the fleet (term " + l.term() + ", lease until " + l.until() + ")";
  }

  private void campaign() {
    try {
      Leadership l = store.campaign();
      view.set(new View(Optional.of(l), Optional.empty(), clock.instant()));
      if (l.mine() && l.term() != ledTerm) {
        ledTerm = l.term();
        LOG.info("this agent ({}) leads the fleet from now on (term {})", store.owner(), l.term());
        onTermStart.run();
      } else if (!l.mine() && ledTerm != -1) {
        ledTerm = -1;
        LOG.warn("this agent no longer leads the fleet; agent {} does (term {}). Standing by", l.leader(), l.term());
      }
    } catch (StoreException e) {
      View before = view.get();
      view.set(new View(before.leadership(), Optional.of(e.getMessage()), before.at()));
      LOG.warn("campaign for the fleet's leader lease failed ({}); {}", e.getMessage(),
          leads() ? "the lease lapses unless a later campaign gets through" : "trying again shortly");
    } catch (RuntimeException e) {
      LOG.warn("campaign for the fleet's leader lease failed", e);
    }
  }

  /** Stops campaigning and, if this agent leads, gives the lease up so a standby takes over at once. */
  @Override
  public void close() {
    timer.shutdownNow();
    try {
      if (view.get().leadership().map(Leadership::mine).orElse(false)) {
        store.resign();
        LOG.info("gave up the fleet's leader lease");
      }
    } catch (RuntimeException e) {
      LOG.warn("could not give up the fleet's leader lease ({}); it lapses within {}", e.getMessage(), store.leaseTime());
    }
  }
}
