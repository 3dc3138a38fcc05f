package io.certferry.core.internal;

import io.certferry.core.CertificateState;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.ReconcileReport;
import io.certferry.core.WatchedEndpoint;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LockedElsewhereException;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.WatchRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's pass over everything it keeps ({@code CertManager.reconcile()}): each certificate's
 * {@link CertificatePass} on a bounded pool, under its lineage's lock taken without waiting, and each watched
 * endpoint's {@link WatchPass} beside them; one's failure never stops another's. {@link #plan} is the same pass in
 * its dry mode.
 *
 * <ul>
 *   <li>The first pass looks at every certificate. Later ones look at those the store's due queue names and at
 *       those this engine has no fresh result for; the rest are reported as this engine last saw them, without a
 *       read, so a pass with nothing due costs one query however many lineages there are. Every door that changes a
 *       lineage behind the engine's back (an import, a revocation) puts it in the due queue.</li>
 *   <li>A lineage another agent or process holds is skipped, not waited for, and reported as held elsewhere; it is
 *       looked at again when that hold lapses, so a dead holder's work is taken over then.</li>
 *   <li>Before each certificate the work permit is asked (a fleet agent: "do I still lead?"); a refusal skips the
 *       certificate the same way, so a deposed leader stops at its next certificate.</li>
 * </ul>
 * Not API.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  /** When a certificate whose pass crashed (a bug, the store gone) is looked at again. */
  private static final Duration RETRY_AFTER_CRASH = Duration.ofMinutes(5);
  /** When a lineage held elsewhere by a lock that does not lapse by itself (another process's) is tried again. */
  private static final Duration RETRY_HELD = Duration.ofMinutes(1);
  /** A lease about to lapse is tried again a moment after, never in a tight loop. */
  private static final Duration MIN_RETRY = Duration.ofSeconds(1);

  private final CertificateStore store;
  private final Clock clock;
  private final CertificatePass pass;
  private final CertificatePass dryPass;
  private final WatchPass watchPass;
  private final Events events;
  private final ExecutorService executor;
  private final Duration maxInterval;
  private final Supplier<Optional<String>> permit;
  private final Function<ManagedCertificate, Optional<Issuer>> issuers;
  /** The last result of each certificate this engine handled itself. */
  private final Map<String, CertificatePass.Result> lastSeen = new ConcurrentHashMap<>();
  private volatile boolean fullPassDone;
  private volatile boolean stopping;

  /** One certificate's outcome: its result, and who holds it when this pass left it alone. */
  private record Outcome(CertificatePass.Result result, String heldBy) {}

  /** @param dryPass the same pass in its dry-run mode, for {@link #plan} */
  public Reconciler(CertificateStore store, Clock clock, CertificatePass pass, CertificatePass dryPass,
                    WatchPass watchPass, Events events, ExecutorService executor, Duration maxInterval,
                    Supplier<Optional<String>> permit, Function<ManagedCertificate, Optional<Issuer>> issuers) {
    this.store = store;
    this.clock = clock;
    this.pass = pass;
    this.dryPass = dryPass;
    this.watchPass = watchPass;
    this.events = events;
    this.executor = executor;
    this.maxInterval = maxInterval;
    this.permit = permit;
    this.issuers = issuers;
  }

  /** One pass over {@code all} and the {@code watched} endpoints. */
  public ReconcileReport reconcile(List<ManagedCertificate> all, List<WatchedEndpoint> watched)
      throws InterruptedException {
    Instant started = clock.instant();
    Set<String> due = fullPassDone ? Set.copyOf(store.due(started)) : null;
    List<Future<Outcome>> futures = new ArrayList<>();
    for (ManagedCertificate mc : all) {
      CertificatePass.Result seen = lastSeen.get(mc.name());
      boolean look = due == null || due.contains(mc.name()) || seen == null || !seen.nextDue().isAfter(started);
      futures.add(executor.submit(() -> look ? handle(mc) : new Outcome(restamped(seen, clock.instant()), null)));
    }
    if (due == null) {
      forgetUnwatched(watched);
    }
    // A watched endpoint is asked on every pass (it is one handshake); a fleet agent that does not lead asks none.
    boolean watching = !stopping && permit.get().isEmpty();
    List<Future<CertificatePass.Result>> watches = new ArrayList<>();
    watched.forEach(e -> watches.add(executor.submit(() -> watchPass.run(e, watching))));
    List<CertificateStatus> statuses = new ArrayList<>();
    Map<String, String> held = new LinkedHashMap<>();
    Instant wake = started.plus(maxInterval);
    for (int i = 0; i < futures.size(); i++) {
      Outcome o;
      try {
        o = futures.get(i).get();
      } catch (ExecutionException e) {
        o = new Outcome(crashed(all.get(i), e.getCause()), null);
      }
      statuses.add(o.result().status());
      if (o.heldBy() != null) {
        held.put(o.result().status().name(), o.heldBy());
      }
      if (o.result().nextDue().isBefore(wake)) {
        wake = o.result().nextDue();
      }
    }
    for (Future<CertificatePass.Result> w : watches) {
      try {
        CertificatePass.Result r = w.get();
        statuses.add(r.status());
        if (r.nextDue().isBefore(wake)) {
          wake = r.nextDue();
        }
      } catch (ExecutionException e) {
        LOG.debug("a watched endpoint's check failed", e.getCause()); // WatchPass reports what it can: a bug only
      }
    }
    fullPassDone = true;
    return new ReconcileReport(started, clock.instant(), statuses, wake, held);
  }

  /** What a pass would do now, decided in parallel like one; see {@code CertManager.plan()}. */
  public ReconcilePlan plan(List<ManagedCertificate> all, List<WatchedEndpoint> watched) throws InterruptedException {
    Instant at = clock.instant();
    List<Future<CertificatePass.Result>> futures = new ArrayList<>();
    all.forEach(mc -> futures.add(executor.submit(() -> dryPass.run(mc, issuers.apply(mc), false, false))));
    watched.forEach(e -> futures.add(executor.submit(() -> watchPass.run(e, false))));
    List<ReconcilePlan.CertificatePlan> plans = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      try {
        plans.add(futures.get(i).get().plan());
      } catch (ExecutionException e) {
        String name = i < all.size() ? all.get(i).name() : watched.get(i - all.size()).name();
        LOG.debug("the dry run of {} failed", name, e.getCause());
        String why = "cannot be decided: " + e.getCause().getClass().getSimpleName() + ": " + e.getCause().getMessage();
        plans.add(new ReconcilePlan.CertificatePlan(name, ReconcilePlan.Action.NONE, why, List.of(), List.of(),
            i < all.size() ? skipped(all.get(i), why).status() : null));
      }
    }
    return new ReconcilePlan(at, plans);
  }

  /** The next pass looks at every certificate again, as the first did. */
  public void lookAtEverythingNext() {
    lastSeen.clear();
    fullPassDone = false;
  }

  /** Certificates not yet started are skipped from now on; those in flight finish their step. */
  public void stop() { stopping = true; }

  /** One certificate's pass for a door that asked for it ({@code renew}): waits for its lock. */
  public CertificatePass.Result run(ManagedCertificate mc, boolean force) throws InterruptedException {
    CertificatePass.Result r = pass.run(mc, issuers.apply(mc), force, false);
    lastSeen.put(mc.name(), r);
    return r;
  }

  private Outcome handle(ManagedCertificate mc) throws InterruptedException {
    if (stopping) {
      return new Outcome(skipped(mc, "skipped: shutting down"), null);
    }
    Optional<String> refused = permit.get();
    if (refused.isPresent()) {
      return new Outcome(asStored(mc, clock.instant().plus(maxInterval)), refused.get());
    }
    try {
      CertificatePass.Result r = pass.run(mc, issuers.apply(mc), false, true);
      lastSeen.put(mc.name(), r);
      return new Outcome(r, null);
    } catch (LockedElsewhereException e) {
      Instant now = clock.instant();
      Instant retry = e.until().map(u -> u.plus(MIN_RETRY)).orElse(now.plus(RETRY_HELD));
      if (retry.isBefore(now.plus(MIN_RETRY))) {
        retry = now.plus(MIN_RETRY);
      }
      String by = e.holder() + e.until().map(u -> " (lease until " + u + ")").orElse("");
      LOG.debug("{} is held by {}; skipped in this pass", mc.name(), by);
      return new Outcome(asStored(mc, retry), by);
    }
  }

  /** A status computed at an earlier pass, with its state and days left as of {@code now}. */
  static CertificatePass.Result restamped(CertificatePass.Result seen, Instant now) {
    CertificateStatus s = seen.status();
    Optional<StoredVersion> v = s.current();
    if (v.isEmpty() || s.renewAt().isEmpty()) {
      return seen;
    }
    String state = CertificateState.of(v.get().notBefore(), v.get().notAfter(), s.renewAt().get(), now).id();
    return new CertificatePass.Result(new CertificateStatus(s.name(), s.source(), s.domains(), v, state,
        Optional.of(CertificateState.daysLeft(v.get().notAfter(), now)), s.renewAt(), s.renewReason(), false,
        s.targets(), s.error()), seen.nextDue());
  }

  private CertificatePass.Result crashed(ManagedCertificate mc, Throwable t) {
    LOG.debug("reconcile of {} failed", mc.name(), t);
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    events.alert(LifecycleEvent.of(LifecycleEvent.Type.RENEWAL_FAILED, clock.instant(), mc.name(), msg));
    return skipped(mc, msg);
  }

  /** The certificate as the store has it, with {@code why} as its outstanding error. */
  private CertificatePass.Result skipped(ManagedCertificate mc, String why) {
    CertificateStatus read = asStored(mc, clock.instant()).status();
    CertificateStatus s = new CertificateStatus(read.name(), read.source(), read.domains(), read.current(),
        read.state(), read.daysLeft(), read.renewAt(), read.renewReason(), false, read.targets(), Optional.of(why));
    return new CertificatePass.Result(s, clock.instant().plus(RETRY_AFTER_CRASH));
  }

  /** The certificate as the store has it (nothing stored, when the store cannot be read), looked at again at {@code next}. */
  private CertificatePass.Result asStored(ManagedCertificate mc, Instant next) {
    CertificateStatus read;
    try {
      read = StatusReader.read(store, mc.name(), clock.instant());
    } catch (RuntimeException e) {
      read = new CertificateStatus(mc.name(), mc.source(), mc.domains(), Optional.empty(), CertificateStatus.MISSING,
          Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(), Optional.empty());
    }
    return new CertificatePass.Result(read, next);
  }

  /** Watch records of endpoints no longer watched are dropped at the first pass, so no old row lingers. */
  private void forgetUnwatched(List<WatchedEndpoint> watched) {
    Set<String> mine = new HashSet<>(watched.stream().map(WatchedEndpoint::name).toList());
    store.watchRecords().stream().map(WatchRecord::name).filter(n -> !mine.contains(n)).forEach(store::deleteWatchRecord);
  }
}
