package io.certferry.core.simulation;

import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.notify.LifecycleEvent.Type;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The scenarios of the simulated year. Faults start "just as a renewal falls due", around {@code www}'s third
 * certificate (its second renewal): an outage at the opening of its suggested window; a rate limit or failing
 * validations with the first order at or after that opening (the renewal's own: the agent picks an instant
 * anywhere in the window); a target fault when that certificate is issued (its deploy is the one that meets
 * it). Each says how a run shows that the fault met the agent.
 */
final class Scenarios {
  /** The certificate of {@code www} whose renewal meets the fault. */
  static final int NTH = 3;
  static final String WINDOW = "Sat 02:00-05:00 America/Toronto";

  private Scenarios() {}

  static List<Scenario> all() {
    return List.of(
        Scenario.possible("1", "baseline", w -> { }, r -> r.orders().orders() > 0),
        Scenario.possible("2", "primary CA down 96 h from a renewal window, fallback CA configured", w -> {
          w.fallback = true;
          caDown(w);
        }, r -> r.requests(Ledger.Kind.UNREACHABLE) > 0 && r.life().fallbackCertificates() > 0),
        new Scenario("2x", "the same outage without a fallback CA", Scenarios::caDown, p -> p == Profile.SHORTLIVED
            ? Optional.of("a 160 h certificate has 80 h left when its window opens; a 96 h outage of its only CA"
                + " outlasts it")
            : Optional.empty(), r -> r.requests(Ledger.Kind.UNREACHABLE) > 0),
        Scenario.possible("3", "account rate-limited 12 h (Retry-After) from a renewal's order", w -> w.ledger.onIssued(
            World.WWW, NTH, c -> w.primary.rateLimitFromOrderAfter(c.window().from(), Duration.ofHours(12))),
            r -> r.requests(Ledger.Kind.REFUSED) > 0),
        Scenario.possible("4", "load balancer answers 5xx for 24 h from a renewal", w -> w.ledger.onIssued(
            World.WWW, NTH, c -> w.target("lb").failDuring(Period.of(c.notBefore(), Duration.ofHours(24)))),
            r -> r.eventsSaying(Type.DEPLOY_FAILED, "503 Service Unavailable") > 0),
        Scenario.possible("4h", "CDN hangs on every deploy for 12 h from a renewal", w -> {
          w.targetTimeout = AgentProcess.HANG_TIMEOUT;
          w.ledger.onIssued(World.WWW, NTH,
              c -> w.target("cdn").hangDuring(Period.of(c.notBefore(), Duration.ofHours(12))));
        },
            r -> r.eventsSaying(Type.DEPLOY_FAILED, "did not finish within") > 0),
        Scenario.possible("5", "CDN reports success but serves the old certificate for 48 h", w -> w.ledger.onIssued(
            World.WWW, NTH, c -> w.target("cdn").lieDuring(Period.of(c.notBefore(), Duration.ofHours(48)))),
            r -> r.eventsSaying(Type.VERIFY_FAILED, "still uses") > 0),
        new Scenario("5x", "CDN reports success but serves the old certificate for ever", w -> w.ledger.onIssued(
            World.WWW, NTH, c -> w.target("cdn").lieDuring(Period.forever(c.notBefore()))),
            p -> Optional.of("a target that never serves what it is given keeps the old certificate until it expires;"
                + " the engine can only verify, retry and alert"),
            r -> r.eventsSaying(Type.VERIFY_FAILED, "still uses") > 0),
        Scenario.possible("6", "mass revocation: ARI window moved to now, revoked 24 h later", Scenarios::massRevocation,
            r -> r.alerts().getOrDefault(Type.ARI_WINDOW_MOVED, 0L) > 0 && r.fewestOrders() > 2 * r.profile()
                .fewestOrders(World.YEAR)),
        Scenario.possible("6w", "the same mass revocation with www's targets in a weekly 3 h window", w -> {
          w.windows = List.of(DeployWindow.parse(WINDOW));
          massRevocation(w);
        }, r -> r.alerts().getOrDefault(Type.ARI_WINDOW_MOVED, 0L) > 0),
        Scenario.possible("7", "agent restarted every 37 h; every second restart dies mid-pass", w -> {
          w.restartEvery = Optional.of(Duration.ofHours(37));
          w.crashMidPass = true;
        }, r -> r.life().restarts() >= 236 && Simulation.CRASH_POINTS.stream().allMatch(
            p -> r.life().crashes().stream().anyMatch(c -> c.endsWith("died " + p)))),
        Scenario.possible("8", "weekly 3 h maintenance window (" + WINDOW + ") on www's targets",
            w -> w.windows = List.of(DeployWindow.parse(WINDOW)), r -> r.eventsSaying(Type.DEPLOY_DEFERRED,
                "waiting for the maintenance window") > 0),
        Scenario.possible("9", "agent clock steps +10 min, back, -10 min, back, every 61 h", Scenarios::clockSteps,
            r -> r.life().clockSteps() > 100),
        Scenario.possible("10", "validations fail for 24 h from a renewal's order", w -> w.ledger.onIssued(
            World.WWW, NTH, c -> w.primary.failValidationsFromOrderAfter(c.window().from(), Duration.ofHours(24))),
            r -> r.peaks().failedValidations() > 0));
  }

  /** Announced half-way between the issuance of www's third certificate and the opening of its window. */
  private static void massRevocation(World w) {
    w.ledger.onIssued(World.WWW, NTH, c -> w.primary.massRevocation(c.notBefore().plus(
        Duration.between(c.notBefore(), c.window().from()).dividedBy(2))));
  }

  private static void caDown(World w) {
    w.ledger.onIssued(World.WWW, NTH, c -> w.primary.down(Period.of(c.window().from(), Duration.ofHours(96))));
  }

  private static void clockSteps(World w) {
    List<Duration> offsets = List.of(Duration.ofMinutes(10), Duration.ZERO, Duration.ofMinutes(-10), Duration.ZERO);
    int i = 0;
    Duration every = Duration.ofHours(61);
    for (Instant at = World.START.plus(every); at.isBefore(w.end()); at = at.plus(every)) {
      w.clockSteps.add(new World.ClockStep(at, offsets.get(i++ % offsets.size())));
    }
  }
}
