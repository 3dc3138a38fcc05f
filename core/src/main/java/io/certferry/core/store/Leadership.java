package io.certferry.core.store;

import java.time.Instant;
import java.util.Objects;

/**
 * Who leads a fleet of agents, as one {@link FleetStore#campaign} found it.
 *
 * @param leader the agent holding the leader lease, as {@link FleetStore#owner()} names it; empty when none does
 * @param until when its lease lapses unless renewed
 * @param term the lease's fencing token: it grows by one each time any agent takes the lease
 * @param mine whether this agent holds it
 * @since 0.1
 */
public record Leadership(String leader, Instant until, long term, boolean mine) {
  public Leadership {
    Objects.requireNonNull(leader, "leader");
    Objects.requireNonNull(until, "until");
  }

  /**
   * Whether this agent holds the lease at {@code now} by its own clock (a paused agent finds it lapsed).
   *
   * @since 0.1
   */
  public boolean heldAt(Instant now) { return mine && now.isBefore(until); }
}
