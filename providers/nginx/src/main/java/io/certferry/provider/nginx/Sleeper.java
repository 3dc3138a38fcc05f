package io.certferry.provider.nginx;

import java.time.Duration;

/** Waits between two checks; injected so tests drive time instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
