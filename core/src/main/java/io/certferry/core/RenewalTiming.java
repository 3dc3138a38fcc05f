package io.certferry.core;

import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides when a stored certificate is due for renewal. {@link CertManager} asks it once per
 * certificate and pass; the renewal rules themselves (ARI, lifetime fraction, {@code renewBefore})
 * live behind it.
 */
@FunctionalInterface
public interface RenewalTiming {
  /**
   * @param state the lineage's renewal state (ARI window, failures)
   * @return the decision; {@link Decision#state()} is saved after the pass
   */
  Decision decide(LineageSpec spec, StoredVersion current, LineageState state, Instant now);

  /**
   * @param due renew now
   * @param renewAt when renewal is (or was) due
   * @param nextCheck when to look again (an ARI poll may come before {@code renewAt})
   * @param replaces the ARI id of the certificate being replaced, for the order's {@code replaces}
   * @param windowMoved a message when the CA moved its renewal window since the last check
   * @param state the lineage state to save
   */
  record Decision(boolean due, Instant renewAt, Instant nextCheck, Optional<String> replaces,
                  Optional<String> windowMoved, LineageState state) {}

  /**
   * The rule without renewal information from the CA: a chosen ARI instant if the state holds one,
   * else {@code renewBefore} from the spec's options, else when a third of the lifetime is left (half
   * for lifetimes under ten days).
   */
  static RenewalTiming lifetime() {
    return (spec, current, state, now) -> {
      Instant at = state.ariRenewAt() != null ? state.ariRenewAt() : byLifetime(spec, current);
      return new Decision(!now.isBefore(at), at, at, Optional.empty(), Optional.empty(), state);
    };
  }

  /** The renewal planner's rules ({@link io.certferry.core.renew.RenewalPlanner}) on the given clock. */
  static RenewalTiming plannedOn(java.time.Clock clock) {
    return plannedOn(clock, spec -> Optional.empty());
  }

  /**
   * The renewal planner's rules with ARI (RFC 9773): {@code ari} gives the CA's renewal-information
   * source for a lineage (empty for the local CA, imports, or a CA without ARI). The CA's window
   * comes first; its {@code Retry-After} sets the next poll, which becomes a wake-up.
   */
  static RenewalTiming plannedOn(java.time.Clock clock,
                                 java.util.function.Function<LineageSpec, Optional<io.certferry.core.renew.RenewalInfoSource>> ari) {
    return new PlannedRenewalTiming(io.certferry.core.renew.RenewalPlanner.builder().clock(clock).build(), ari);
  }

  private static Instant byLifetime(LineageSpec spec, StoredVersion current) {
    String before = spec.options().get("renewBefore");
    if (before != null && !before.isBlank()) {
      return current.notAfter().minus(Durations.parse(before));
    }
    Duration life = Duration.between(current.notBefore(), current.notAfter());
    long divisor = life.compareTo(Duration.ofDays(10)) < 0 ? 2 : 3;
    return current.notAfter().minus(life.dividedBy(divisor));
  }
}
