package io.certferry.provider.dnsimple;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock that only moves when its {@link Sleeper} is asked to sleep: polling tests run in milliseconds. */
final class FakeTime extends Clock implements io.certferry.core.http.Sleeper {
  private volatile Instant now = Instant.parse("2026-11-25T10:00:00Z");
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    now = now.plus(d);
  }

  @Override
  public Instant instant() { return now; }

  @Override
  public ZoneId getZone() { return ZoneOffset.UTC; }

  @Override
  public Clock withZone(ZoneId zone) { return this; }
}
