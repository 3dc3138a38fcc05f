package io.certferry.core.testing;

import io.certferry.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A clock that only moves when told, and a {@link Sleeper} that moves it instead of sleeping: retry and
 * rate-limit code runs in milliseconds and its waits are recorded for assertions. Thread-safe.
 */
public final class FakeTime extends Clock implements Sleeper {
  private volatile Instant now;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private volatile Runnable onSleep = () -> {};

  public FakeTime(Instant start) { this.now = start; }

  /** Starts at 2026-01-01T00:00:00Z. */
  public FakeTime() { this(Instant.parse("2026-01-01T00:00:00Z")); }

  /** Starts at a fixed, round instant (2026-01-01T00:00:00Z). */
  public static FakeTime create() { return new FakeTime(Instant.parse("2026-01-01T00:00:00Z")); }

  public synchronized void advance(Duration d) { now = now.plus(d); }

  @Override
  public void sleep(Duration duration) {
    sleeps.add(duration);
    advance(duration);
    onSleep.run();
  }

  /** Runs {@code action} after every sleep: the world changing while the code under test waits. */
  public void onSleep(Runnable action) { this.onSleep = action; }

  /** Every wait asked for, in order. */
  public List<Duration> sleeps() { return List.copyOf(sleeps); }

  public Duration totalSlept() { return sleeps.stream().reduce(Duration.ZERO, Duration::plus); }

  @Override
  public Instant instant() { return now; }

  @Override
  public ZoneId getZone() { return ZoneOffset.UTC; }

  @Override
  public Clock withZone(ZoneId zone) { return this; }
}
