package io.certferry.core.deploy;

import io.certferry.core.Backoff;
import io.certferry.core.CertificateBundle;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.store.TargetDeployment.Result;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every target of a certificate to one bundle: targets run in parallel on a bounded
 * executor; a target already serving the bundle is skipped; each deploy is verified; every result is
 * written to the lineage's {@code deployments.json} as soon as it is known, so a crash loses at most
 * the targets in flight. A target that cannot tell what it serves
 * ({@link DeployTarget#reportsWhatItServes()} false) is trusted on its record. A failed target is retried later with {@link Backoff} (persisted in its
 * record, so it survives restarts) and never holds up the others.
 *
 * @since 0.1
 */
public final class Deployer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

  private final CertificateStore store;
  private final Clock clock;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final Backoff backoff;
  private final Notifier listener;
  private final Duration targetTimeout;
  private final Map<String, Object> recordLocks = new ConcurrentHashMap<>();

  private Deployer(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.ownsExecutor = b.executor == null;
    this.executor = b.executor != null ? b.executor : Executors.newFixedThreadPool(b.parallelism, daemonThreads());
    this.backoff = b.backoff;
    this.listener = b.listener;
    this.targetTimeout = b.targetTimeout;
  }

  /**
   * A builder; only the store is required.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * Deploys {@code bundle} to every target that does not serve it yet and records the results.
   * Returns when every target has an outcome (or its time ran out).
   *
   * @throws InterruptedException when interrupted while waiting; targets in flight keep running and
   *     record their own results
   * @since 0.1
   */
  public DeployOutcome deploy(String lineage, CertificateBundle bundle, List<? extends DeployTarget> targets)
      throws InterruptedException {
    return deploy(lineage, bundle, targets, false);
  }

  /**
   * As {@link #deploy(String, CertificateBundle, List)}; {@code now} tries failed targets at once,
   * ignoring their backoff (a person asked: {@code certferry deploy}).
   *
   * @since 0.1
   */
  public DeployOutcome deploy(String lineage, CertificateBundle bundle, List<? extends DeployTarget> targets, boolean now)
      throws InterruptedException {
    Deployments known = store.deployments(lineage);
    return deploy(lineage, bundle.sha256(), () -> bundle, now ? withoutBackoff(known) : known, targets);
  }

  /**
   * Deploys the stored version {@code version} of {@code lineage} as a pass does: its bundle (key included) is
   * read from the store only if a target has to be given it, so a pass where every target already serves the
   * version parses no PEM and no key. {@code known} is the lineage's {@code deployments.json} as the caller,
   * holding the lineage's lock, has just read it.
   *
   * @since 0.1
   */
  public DeployOutcome deploy(String lineage, StoredVersion version, Deployments known,
                              List<? extends DeployTarget> targets) throws InterruptedException {
    return deploy(lineage, version.sha256(), new StoredBundle(store, lineage, version.number()), known, targets);
  }

  private DeployOutcome deploy(String lineage, String sha, Supplier<CertificateBundle> bundle, Deployments known,
                               List<? extends DeployTarget> targets) throws InterruptedException {
    recordIntents(lineage, sha, targets, known);
    CompletionService<Done> done = new ExecutorCompletionService<>(executor);
    List<Future<Done>> futures = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      int index = i;
      DeployTarget t = targets.get(i);
      Optional<TargetDeployment> rec = known.target(t.id());
      futures.add(done.submit(() -> one(index, lineage, sha, bundle, t, rec)));
    }
    DeployOutcome.TargetOutcome[] out = new DeployOutcome.TargetOutcome[targets.size()];
    long deadline = System.nanoTime() + targetTimeout.toNanos();
    try {
      for (int left = targets.size(); left > 0; left--) {
        Future<Done> f = done.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (f == null) {
          break;
        }
        Done d = get(f, lineage);
        // Records are written here, on the caller's thread: it holds the lineage's store lock.
        if (d.write()) {
          record(lineage, d.outcome().record());
        }
        out[d.index()] = d.outcome();
      }
    } finally {
      futures.forEach(f -> f.cancel(true));
    }
    for (int i = 0; i < out.length; i++) {
      if (out[i] == null) {
        DeployTarget t = targets.get(i);
        out[i] = failed(lineage, sha, t, known.target(t.id()),
            new DeployException("target " + t.id() + " did not finish within " + targetTimeout + "; it will be tried again"));
        record(lineage, out[i].record());
      }
    }
    return new DeployOutcome(lineage, sha, List.of(out));
  }

  /**
   * Writes, before any target is touched, a {@code DEPLOYING} record for each target that may be deployed now, so
   * a crash in the middle of a deploy (after a file is written, before its reload ran) is found and repaired:
   * the next pass redoes that target whole. One write for all of them, on the caller's thread.
   */
  private void recordIntents(String lineage, String sha, List<? extends DeployTarget> targets, Deployments known) {
    Instant now = clock.instant();
    List<TargetDeployment> intents = new ArrayList<>();
    for (DeployTarget t : targets) {
      Optional<TargetDeployment> rec = known.target(t.id());
      boolean inSync = rec.isPresent() && rec.get().result() == Result.IN_SYNC && sha.equals(rec.get().sha256());
      boolean backingOff = DeployRule.heldBack(rec, sha, now);
      boolean intended = rec.isPresent() && rec.get().result() == Result.DEPLOYING && sha.equals(rec.get().sha256());
      if (!inSync && !backingOff && !intended) {
        intents.add(new TargetDeployment(t.id(), sha, now, Result.DEPLOYING, rec.map(TargetDeployment::attempts).orElse(0),
            null, rec.map(TargetDeployment::lastError).orElse(null), Map.of("previousSha256", DeployRule.served(rec).orElse(""))));
      }
    }
    if (!intents.isEmpty()) {
      synchronized (recordLocks.computeIfAbsent(lineage, k -> new Object())) {
        Deployments next = store.deployments(lineage);
        for (TargetDeployment d : intents) {
          next = next.with(d);
        }
        store.saveDeployments(lineage, next);
      }
    }
  }

  private static Deployments withoutBackoff(Deployments d) {
    Deployments out = d;
    for (TargetDeployment t : d.targets().values()) {
      if (t.nextAttempt() != null) {
        out = out.with(new TargetDeployment(t.targetId(), t.sha256(), t.at(), t.result(), t.attempts(), null,
            t.lastError(), t.details()));
      }
    }
    return out;
  }

  /** One target's outcome; {@code write} when its record in deployments.json changes. */
  private record Done(int index, DeployOutcome.TargetOutcome outcome, boolean write) {}

  private static Done get(Future<Done> f, String lineage) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      // one() catches everything a target throws; this is a bug in the deployer itself.
      throw new IllegalStateException("deploying " + lineage + " failed unexpectedly", e.getCause());
    }
  }

  /**
   * What {@link #deploy} would do to {@code t} for {@code version} now, and why; the same rule, asking the target
   * what it serves (a read: one API call or handshake) and writing nothing. A target that would be deployed to
   * because of what it serves and can list it ({@link Discoverable}) is asked, so the plan says what it serves.
   *
   * @since 0.1
   */
  public DeployPlan plan(String lineage, StoredVersion version, DeployTarget t) {
    Optional<TargetDeployment> rec = store.deployments(lineage).target(t.id());
    Supplier<CertificateBundle> bundle = () -> store.currentBundle(lineage).orElseThrow(() ->
        new IllegalStateException(lineage + " has no current version"));
    DeployRule.Verdict v = DeployRule.verdict(t, rec, version.sha256(), bundle, clock.instant());
    DeployPlan.Step step = switch (v.kind()) {
      case BACKING_OFF -> DeployPlan.Step.BACKING_OFF;
      case WAITING -> DeployPlan.Step.WAIT;
      case ALREADY_IN_SYNC, ADOPT -> DeployPlan.Step.NONE;
      case DEPLOY -> DeployPlan.Step.DEPLOY;
    };
    if (step == DeployPlan.Step.DEPLOY && v.askedTarget() && t instanceof Discoverable d) {
      try {
        List<ServedCertificate> served = d.discover();
        return new DeployPlan(t.id(), step, served.isEmpty() ? "serves no certificate now"
            : "serves another certificate (" + served.get(0).place() + ": expires "
                + served.get(0).notAfter().map(Instant::toString).orElse("?") + ")");
      } catch (DeployException | RuntimeException e) {
        return new DeployPlan(t.id(), step, "cannot tell what it serves now (" + e.getMessage() + ")");
      }
    }
    return new DeployPlan(t.id(), step, v.why());
  }

  private Done one(int index, String lineage, String sha, Supplier<CertificateBundle> bundle, DeployTarget t,
                   Optional<TargetDeployment> rec) {
    Instant now = clock.instant();
    try {
      DeployRule.Verdict v = DeployRule.verdict(t, rec, sha, bundle, now);
      switch (v.kind()) {
        case BACKING_OFF, WAITING -> {
          DeployOutcome.Status held = v.kind() == DeployRule.Verdict.Kind.WAITING ? DeployOutcome.Status.WAITING
              : DeployOutcome.Status.BACKING_OFF;
          return new Done(index, new DeployOutcome.TargetOutcome(t.id(), held, rec.get()), false);
        }
        case ALREADY_IN_SYNC -> {
          return new Done(index, new DeployOutcome.TargetOutcome(t.id(), DeployOutcome.Status.ALREADY_IN_SYNC, rec.get()), false);
        }
        case ADOPT -> {
          TargetDeployment adopted = new TargetDeployment(t.id(), sha, now, Result.IN_SYNC, 0, null, null,
              Map.of("note", "found already serving this certificate"));
          return new Done(index, new DeployOutcome.TargetOutcome(t.id(), DeployOutcome.Status.ALREADY_IN_SYNC, adopted), true);
        }
        default -> { }
      }
      DeployReceipt receipt = t.deploy(bundle.get());
      emit(LifecycleEvent.Type.DEPLOYED, lineage, t, receipt.summary() == null ? "deployed " + sha : receipt.summary(), sha);
      VerifyResult verified = t.verify(bundle.get());
      if (!verified.passed()) {
        emit(LifecycleEvent.Type.VERIFY_FAILED, lineage, t, verified.message(), sha);
        return new Done(index, failed(lineage, sha, t, rec, new DeployException("verification failed: " + verified.message())), true);
      }
      emit(LifecycleEvent.Type.VERIFIED, lineage, t, verified.message(), sha);
      TargetDeployment ok = new TargetDeployment(t.id(), sha, clock.instant(), Result.IN_SYNC, 0, null, null,
          receipt.details());
      return new Done(index, new DeployOutcome.TargetOutcome(t.id(), DeployOutcome.Status.DEPLOYED, ok), true);
    } catch (DeployException e) {
      if (e.waitingUntil().isPresent()) {
        return new Done(index, waiting(t, sha, rec, e), true);
      }
      return new Done(index, failed(lineage, sha, t, rec, e), true);
    } catch (RuntimeException e) {
      return new Done(index, failed(lineage, sha, t, rec,
          new DeployException("target " + t.id() + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e)), true);
    }
  }

  /** Work the account's request budget holds back: recorded as waiting, the attempts as they were, no event. */
  private DeployOutcome.TargetOutcome waiting(DeployTarget t, String sha, Optional<TargetDeployment> rec, DeployException e) {
    int attempts = rec.filter(r -> r.result() != Result.IN_SYNC && sha.equals(r.sha256()))
        .map(TargetDeployment::attempts).orElse(0);
    TargetDeployment held = new TargetDeployment(t.id(), sha, clock.instant(), Result.WAITING, attempts,
        e.waitingUntil().orElseThrow(), e.getMessage(), Map.of("previousSha256", DeployRule.served(rec).orElse("")));
    LOG.debug("target {} waits until {}: {}", t.id(), held.nextAttempt(), e.getMessage());
    return new DeployOutcome.TargetOutcome(t.id(), DeployOutcome.Status.WAITING, held);
  }

  private DeployOutcome.TargetOutcome failed(String lineage, String sha, DeployTarget t,
                                             Optional<TargetDeployment> rec, DeployException e) {
    Instant now = clock.instant();
    int before = rec.filter(r -> (r.result() == Result.FAILED || r.result() == Result.DEPLOYING
            || r.result() == Result.WAITING) && sha.equals(r.sha256()))
        .map(TargetDeployment::attempts).orElse(0);
    int attempts = before + 1;
    Instant next = backoff.next(now, attempts, e.isRetryable(), e.retryAfter());
    // Keep the fingerprint the target still holds, if known; the failed attempt was for `sha`.
    TargetDeployment failed = new TargetDeployment(t.id(), sha, now, Result.FAILED, attempts, next, e.getMessage(),
        Map.of("previousSha256", DeployRule.served(rec).orElse("")));
    emit(LifecycleEvent.Type.DEPLOY_FAILED, lineage, t,
        e.getMessage() + " (attempt " + attempts + ", next try " + next + ")", sha);
    return new DeployOutcome.TargetOutcome(t.id(), DeployOutcome.Status.FAILED, failed);
  }

  /** Read-modify-write of {@code deployments.json}, re-read each time so no other record is lost. */
  private void record(String lineage, TargetDeployment d) {
    synchronized (recordLocks.computeIfAbsent(lineage, k -> new Object())) {
      store.saveDeployments(lineage, store.deployments(lineage).with(d));
    }
  }

  private void emit(LifecycleEvent.Type type, String lineage, DeployTarget t, String message, String sha) {
    try {
      listener.notify(new LifecycleEvent(type, clock.instant(), lineage, Optional.of(t.id()), message,
          Map.of("sha256", sha)));
    } catch (RuntimeException e) {
      LOG.debug("event listener failed on {}: {}", type, e.toString());
    }
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread th = new Thread(r, "certferry-deploy-" + n.incrementAndGet());
      th.setDaemon(true);
      return th;
    };
  }

  /** Stops the executor this deployer created (an executor passed to the builder is left alone). */
  @Override
  public void close() {
    if (ownsExecutor) {
      executor.shutdownNow();
    }
  }

  /**
   * Builds a {@link Deployer}; only the store is required.
   *
   * @since 0.1
   */
  public static final class Builder {
    private CertificateStore store;
    private Clock clock = Clock.systemUTC();
    private ExecutorService executor;
    private int parallelism = 8;
    private Backoff backoff = Backoff.DEPLOY;
    private Notifier listener = e -> { };
    private Duration targetTimeout = Duration.ofMinutes(10);

    /**
     * Where deployments are recorded (required).
     *
     * @since 0.1
     */
    public Builder store(CertificateStore store) { this.store = store; return this; }

    /**
     * The clock deploys and backoff are timed by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /**
     * Runs targets on this executor (not shut down by {@link Deployer#close()}); default: a pool of {@link #parallelism}.
     *
     * @since 0.1
     */
    public Builder executor(ExecutorService executor) { this.executor = executor; return this; }

    /**
     * Targets deployed at once when the deployer makes its own pool (default 8).
     *
     * @since 0.1
     */
    public Builder parallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
      }
      this.parallelism = n;
      return this;
    }

    /**
     * Backoff after a failed deploy (default {@link Backoff#DEPLOY}).
     *
     * @since 0.1
     */
    public Builder backoff(Backoff backoff) { this.backoff = Objects.requireNonNull(backoff); return this; }

    /**
     * Receives DEPLOYED, VERIFIED, VERIFY_FAILED and DEPLOY_FAILED events.
     *
     * @since 0.1
     */
    public Builder listener(Notifier listener) { this.listener = Objects.requireNonNull(listener); return this; }

    /**
     * How long one pass waits for all targets of a certificate (default 10 minutes).
     *
     * @since 0.1
     */
    public Builder targetTimeout(Duration timeout) { this.targetTimeout = Objects.requireNonNull(timeout); return this; }

    /**
     * The deployer; close it to stop its threads.
     *
     * @since 0.1
     */
    public Deployer build() { return new Deployer(this); }
  }
}
