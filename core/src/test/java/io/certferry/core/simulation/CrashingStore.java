package io.certferry.core.simulation;

import io.certferry.core.store.CertificateStore;
import io.certferry.core.testing.ObservedStore;

import java.util.HashMap;
import java.util.Map;

/**
 * The store as one agent process sees it: the real store, until the process dies at a chosen write. The
 * write that kills it is not made, and from then on every call fails as well, as if the process were gone
 * (its threads finish throwing). {@link SimulatedCrash} is an {@link Error}, so the engine's handlers of
 * failures do not catch it: the pass is abandoned where it stood.
 */
final class CrashingStore extends ObservedStore {
  /** The {@code nth} call (1 the first) of the write method {@code write} in this process is where it dies. */
  record CrashPoint(String write, int nth) {
    @Override
    public String toString() { return "before " + write + (nth > 1 ? " #" + nth : ""); }
  }

  /** The agent process died. */
  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String message) { super(message); }
  }

  private final Death death;

  /** {@code crashAt} null: a process that does not crash. */
  CrashingStore(CertificateStore store, CrashPoint crashAt) { this(store, new Death(crashAt)); }

  private CrashingStore(CertificateStore store, Death death) {
    super(store, death);
    this.death = death;
  }

  boolean dead() { return death.dead; }

  /** Counts the writes of this process and dies at the chosen one; a dead process answers nothing. */
  private static final class Death implements Hook {
    private final CrashPoint crashAt;
    private final Map<String, Integer> writes = new HashMap<>();
    private volatile boolean dead;

    Death(CrashPoint crashAt) { this.crashAt = crashAt; }

    @Override
    public synchronized void before(String method, boolean write) {
      if (dead) {
        throw new SimulatedCrash("the agent process is gone");
      }
      int n = write ? writes.merge(method, 1, Integer::sum) : 0;
      if (crashAt != null && crashAt.write().equals(method) && crashAt.nth() == n) {
        dead = true;
        throw new SimulatedCrash("the agent process died " + crashAt);
      }
    }
  }
}
