package io.certferry.agent.run;

import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.store.CertificateStore;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the HTTP endpoints read: the last finished pass, the store once it is open (or why it is not yet), and, in
 * a fleet, this agent's seat: which lineages this agent owns (a leader: those its last pass handled; a standby:
 * none).
 */
public final class AgentState {
  /** At most this many names in a readiness line; the metrics carry all of them. */
  private static final int NAMES_SHOWN = 50;

  /** A readiness answer: ready or not, and one line saying why. */
  public record Readiness(boolean ready, String text) {}

  private final Clock clock;
  private final AtomicReference<ReconcileReport> last = new AtomicReference<>();
  private volatile CertificateStore store;
  private volatile String storeProblem;
  private volatile FleetSeat seat;

  /** The state of an agent on the system clock. */
  public AgentState() { this(Clock.systemUTC()); }

  /** The state of an agent whose time is {@code clock} (the fleet seat's expiry is judged on it). */
  public AgentState(Clock clock) { this.clock = clock; }

  void finished(ReconcileReport report) { last.set(report); }

  public Optional<ReconcileReport> lastPass() { return Optional.ofNullable(last.get()); }

  /** The store the agent opened. */
  void storeOpened(CertificateStore opened) {
    store = opened;
    storeProblem = null;
  }

  /** The store cannot be opened yet (the database is down); the agent keeps trying. */
  void storeUnavailable(String why) { storeProblem = why; }

  /** The store, once open. */
  Optional<CertificateStore> store() { return Optional.ofNullable(store); }

  /** This agent sits in a fleet. */
  void seat(FleetSeat fleetSeat) { seat = fleetSeat; }

  Optional<FleetSeat> seat() { return Optional.ofNullable(seat); }

  /** Whether this agent works: a lone agent always, a fleet agent while it leads. */
  public boolean working() {
    FleetSeat s = seat;
    return s == null || s.leads();
  }

  /** The certificates this agent owns now: those its last pass handled while it worked, none on standby. */
  public Set<String> owned() {
    ReconcileReport r = last.get();
    return r == null || !working() ? Set.of() : r.handled();
  }

  /** Ready when a pass has finished and no certificate is expired or missing (for a lone agent or a fleet's leader). */
  public boolean ready() { return readiness().ready(); }

  /**
   * What {@code /readyz} answers. A standby is ready while it can reach the store: it takes over if the leader
   * stops. A leader or a lone agent is ready when its last pass finished and nothing is expired or missing.
   */
  public Readiness readiness() {
    if (storeProblem != null) {
      return new Readiness(false, "waiting for the store: " + storeProblem);
    }
    FleetSeat s = seat;
    if (s != null && !s.leads()) {
      FleetSeat.View v = s.view();
      String why = FleetSeat.standbyReason(v, clock.instant());
      return v.error().isPresent() ? new Readiness(false, "standby, cannot reach the store: " + v.error().get())
          : new Readiness(true, "ready: standby as agent " + s.agent() + "; " + why + "; this agent owns no certificates");
    }
    ReconcileReport r = last.get();
    if (r == null) {
      return new Readiness(false, "first pass not finished");
    }
    if (!r.certificates().stream().allMatch(CertificateStatus::ready)) {
      return new Readiness(false, "a certificate is expired or missing");
    }
    if (s == null) {
      return new Readiness(true, "ready");
    }
    Set<String> owned = r.handled();
    String names = String.join(", ", owned.stream().limit(NAMES_SHOWN).toList())
        + (owned.size() > NAMES_SHOWN ? " and " + (owned.size() - NAMES_SHOWN) + " more" : "");
    return new Readiness(true, "ready: leads the fleet as agent " + s.agent() + " (term " + s.term() + "); owns "
        + owned.size() + " certificate(s)" + (owned.isEmpty() ? "" : ": " + names)
        + (r.heldElsewhere().isEmpty() ? "" : "; " + r.heldElsewhere().size() + " held elsewhere: "
            + String.join(", ", r.heldElsewhere().keySet())));
  }
}
