package io.certferry.core.internal;

import io.certferry.core.CertificateStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.ReconcileReport;
import io.certferry.core.WatchedEndpoint;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.WatchRecord;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's pass over everything it keeps: each certificate's {@link CertificatePass} and each watched
 * endpoint's {@link WatchPass} in parallel on the manager's executor, one's failure never stopping another's;
 * after the first full pass only what is due is looked at. Not API: {@code CertManager.reconcile()} is.
 */
public final class Reconciler {
  private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
  /** When a certificate whose pass crashed (a bug, the store gone) is looked at again. */
  private static final Duration RETRY_AFTER_CRASH = Duration.ofMinutes(5);

  private final CertificateStore store;
  private final Clock clock;
  private final CertificatePass pass;
  private final CertificatePass dryPass;
  private final WatchPass watchPass;
  private final Events events;
  private final ExecutorService executor;
  private final Duration maxInterval;
  private final Function<ManagedCertificate, Optional<Issuer>> issuerOf;
  private volatile boolean fullPassDone;
  private volatile boolean stopping;

  /** @param dryPass the same pass in its dry-run mode, for {@link #plan} */
  public Reconciler(CertificateStore store, Clock clock, CertificatePass pass, CertificatePass dryPass, WatchPass watchPass,
                    Events events, ExecutorService executor, Duration maxInterval,
                    Function<ManagedCertificate, Optional<Issuer>> issuerOf) {
    this.store = store;
    this.clock = clock;
    this.pass = pass;
    this.dryPass = dryPass;
    this.watchPass = watchPass;
    this.events = events;
    this.executor = executor;
    this.maxInterval = maxInterval;
    this.issuerOf = issuerOf;
  }

  /** One pass; see {@code CertManager.reconcile()}. */
  public ReconcileReport reconcile(List<ManagedCertificate> all, List<WatchedEndpoint> watched) throws InterruptedException {
    Instant started = clock.instant();
    Set<String> due = fullPassDone ? new HashSet<>(store.due(started)) : null;
    List<Future<CertificatePass.Result>> futures = new ArrayList<>();
    for (ManagedCertificate mc : all) {
      boolean look = due == null || due.contains(mc.name());
      futures.add(executor.submit(() -> look ? one(mc) : quiet(mc)));
    }
    if (due == null) {
      forgetUnwatched(watched);
    }
    List<Future<CertificatePass.Result>> watches = new ArrayList<>();
    watched.forEach(e -> watches.add(executor.submit(() -> watchPass.run(e, !stopping))));
    List<CertificateStatus> statuses = new ArrayList<>();
    Instant wake = started.plus(maxInterval);
    for (int i = 0; i < futures.size() + watches.size(); i++) {
      CertificatePass.Result r;
      try {
        r = i < futures.size() ? futures.get(i).get() : watches.get(i - futures.size()).get();
      } catch (ExecutionException e) {
        if (i >= futures.size()) {
          LOG.debug("a watched endpoint's check failed", e.getCause()); // WatchPass reports what it can: a bug only
          continue;
        }
        r = crashed(all.get(i), e.getCause());
      }
      statuses.add(r.status());
      if (r.nextDue().isBefore(wake)) {
        wake = r.nextDue();
      }
    }
    fullPassDone = true;
    return new ReconcileReport(started, clock.instant(), statuses, wake);
  }

  /** What a pass would do now, decided in parallel like one; see {@code CertManager.plan()}. */
  public ReconcilePlan plan(List<ManagedCertificate> all, List<WatchedEndpoint> watched) throws InterruptedException {
    Instant at = clock.instant();
    List<Future<CertificatePass.Result>> futures = new ArrayList<>();
    all.forEach(mc -> futures.add(executor.submit(() -> dryPass.run(mc, issuerOf.apply(mc), false))));
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

  /** Certificates already being handled finish their step, the others are skipped; later passes do nothing. */
  public void stop() { stopping = true; }

  private CertificatePass.Result one(ManagedCertificate mc) throws InterruptedException {
    if (stopping) {
      return skipped(mc, "skipped: shutting down");
    }
    return pass.run(mc, issuerOf.apply(mc), false);
  }

  /**
   * A certificate that is not due: reported from the store, nothing contacted; unless its current
   * version is not the one the engine last planned (imported or restored behind its back), which gets a
   * full pass now.
   */
  private CertificatePass.Result quiet(ManagedCertificate mc) throws InterruptedException {
    LineageState state = store.state(mc.name());
    Optional<StoredVersion> current = store.current(mc.name());
    boolean planned = current.isPresent() && state.plan() != null && state.plan().sha256().equals(current.get().sha256());
    if (!planned || state.nextDue() == null) {
      return one(mc);
    }
    CertificateStatus status = StatusReader.read(store, mc.name(), current, state, clock.instant());
    return new CertificatePass.Result(status, state.nextDue());
  }

  private CertificatePass.Result crashed(ManagedCertificate mc, Throwable t) {
    LOG.debug("reconcile of {} failed", mc.name(), t);
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    events.alert(LifecycleEvent.of(LifecycleEvent.Type.RENEWAL_FAILED, clock.instant(), mc.name(), msg));
    return skipped(mc, msg);
  }

  private CertificatePass.Result skipped(ManagedCertificate mc, String why) {
    CertificateStatus read;
    try {
      read = StatusReader.read(store, mc.name(), clock.instant());
    } catch (RuntimeException e) {
      read = new CertificateStatus(mc.name(), mc.source(), mc.domains(), Optional.empty(), CertificateStatus.MISSING,
          Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(), Optional.empty());
    }
    CertificateStatus s = new CertificateStatus(read.name(), read.source(), read.domains(), read.current(),
        read.state(), read.daysLeft(), read.renewAt(), read.renewReason(), false, read.targets(), Optional.of(why));
    return new CertificatePass.Result(s, clock.instant().plus(RETRY_AFTER_CRASH));
  }

  /** Watch records of endpoints no longer watched are dropped at the first pass, so no old row lingers. */
  private void forgetUnwatched(List<WatchedEndpoint> watched) {
    Set<String> mine = new HashSet<>(watched.stream().map(WatchedEndpoint::name).toList());
    store.watchRecords().stream().map(WatchRecord::name).filter(n -> !mine.contains(n)).forEach(store::deleteWatchRecord);
  }
}
