package io.certferry.core.simulation;

import io.certferry.core.CertManager;
import io.certferry.core.CertManagerBuilder;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.FileStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One run of the agent program: a fresh {@link FileStore} on the store folder (behind a {@link CrashingStore}),
 * a fresh {@link CertManager} with the world's certificates, and the events it sends. Certificates are handled
 * one after another on the loop's thread: the engine's own pool would make the order of random draws, and so a
 * run, differ from one time to the next (and handing each pass to another thread cost a fifth of the run).
 * Targets are deployed by the engine's own deployer, in parallel, with its timeout.
 */
final class AgentProcess implements AutoCloseable {
  /** The deploy timeout of a world whose targets hang: real time, kept small since every hang waits it out. */
  static final Duration HANG_TIMEOUT = Duration.ofMillis(300);

  /** An event the process sent, with the world time it was sent at. */
  record Sent(Instant worldTime, LifecycleEvent event, boolean alert) {}

  private final CrashingStore store;
  private final CertManager manager;
  private final ExecutorService certificates;

  AgentProcess(Path storeRoot, Clock agentClock, Clock world, List<ManagedCertificate> certs, Duration targetTimeout,
               long seed, CrashingStore.CrashPoint crashAt, Consumer<Sent> sent) {
    this.store = new CrashingStore(FileStore.builder().root(storeRoot).clock(agentClock).build(), crashAt);
    this.certificates = new CallerRuns();
    CertManagerBuilder b = CertManager.builder().store(store).clock(agentClock).random(new Random(seed))
        .executor(certificates).targetTimeout(targetTimeout)
        // A process that died sends nothing more: its last words are not heard.
        .listener(e -> {
          if (!store.dead()) {
            sent.accept(new Sent(world.instant(), e, false));
          }
        })
        .notifier(e -> {
          if (!store.dead()) {
            sent.accept(new Sent(world.instant(), e, true));
          }
        });
    certs.forEach(b::certificate);
    this.manager = b.build();
  }

  /**
   * One reconcile pass.
   *
   * @throws CrashingStore.SimulatedCrash when the process died in it
   */
  ReconcileReport pass() throws InterruptedException { return manager.reconcile(); }

  /** Runs each task on the thread that submits it: the certificates one after another, on the loop's thread. */
  static final class CallerRuns extends AbstractExecutorService {
    private volatile boolean shutdown;

    @Override
    public void execute(Runnable task) { task.run(); }

    @Override
    public void shutdown() { shutdown = true; }

    @Override
    public List<Runnable> shutdownNow() { shutdown = true; return List.of(); }

    @Override
    public boolean isShutdown() { return shutdown; }

    @Override
    public boolean isTerminated() { return shutdown; }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) { return true; } // nothing runs elsewhere
  }

  /** Stops the process (after a crash: what is left of it). */
  @Override
  public void close() {
    manager.close();
    certificates.shutdownNow();
  }
}
