package io.certferry.core.simulation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The agent machine's clock: world time plus an offset a scenario steps (NTP correcting a drifted clock,
 * or a wrong one). The CAs and the targets keep world time.
 */
final class AgentClock extends Clock {
  private final Clock world;
  private volatile Duration offset = Duration.ZERO;

  AgentClock(Clock world) { this.world = world; }

  void offset(Duration offset) { this.offset = offset; }

  Duration offset() { return offset; }

  /** The world instant at which this clock reads {@code agentTime}, with the offset it has now. */
  Instant worldTimeOf(Instant agentTime) { return agentTime.minus(offset); }

  @Override
  public Instant instant() { return world.instant().plus(offset); }

  @Override
  public ZoneId getZone() { return ZoneOffset.UTC; }

  @Override
  public Clock withZone(ZoneId zone) { return this; }
}
