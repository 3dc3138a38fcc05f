package io.certferry.provider.dnsimple;

import java.time.Duration;

/** Waits; injected so that tests drive polling with a fake clock instead of sleeping. */
@FunctionalInterface
interface Sleeper {
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

  void sleep(Duration duration) throws InterruptedException;
}
