package io.certferry.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A UTC clock that stands still until a test moves it: renewal and backoff tests without sleeping. */
public final class SettableClock extends Clock {
  private volatile Instant now;

  public SettableClock(Instant start) { this.now = start; }

  public static SettableClock at(String isoInstant) { return new SettableClock(Instant.parse(isoInstant)); }

  public void set(Instant instant) { this.now = instant; }

  public void advance(Duration d) { this.now = now.plus(d); }

  @Override
  public Instant instant() { return now; }

  @Override
  public ZoneId getZone() { return ZoneOffset.UTC; }

  @Override
  public Clock withZone(ZoneId zone) {
    if (!ZoneOffset.UTC.equals(zone)) {
      throw new UnsupportedOperationException("SettableClock is UTC only");
    }
    return this;
  }
}
