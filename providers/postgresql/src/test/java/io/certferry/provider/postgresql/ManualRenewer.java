package io.certferry.provider.postgresql;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Lease renewals that run only when the test says so: never calling {@link #renewAll} is an agent paused. */
final class ManualRenewer implements LeaseRenewer {
  private final List<Runnable> active = new CopyOnWriteArrayList<>();

  @Override
  public Renewal every(Duration period, Runnable renewal) {
    active.add(renewal);
    return () -> active.remove(renewal);
  }

  /** Runs every renewal now, as the renewal thread would at its next tick. */
  void renewAll() { active.forEach(Runnable::run); }

  /** How many renewals are scheduled (one per lease held). */
  int scheduled() { return active.size(); }
}
