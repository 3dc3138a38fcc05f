package io.certferry.core.internal;

import io.certferry.core.CertificateState;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LockedElsewhereException;
import io.certferry.core.store.StoredVersion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * The engine's pass over every certificate ({@code CertManager.reconcile()}): each certificate's
 * {@link CertificatePass} on a bounded pool, under its lineage's lock taken without waiting.
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

  public Reconciler(CertificateStore store, Clock clock, CertificatePass pass, Events events, ExecutorService executor,
                    Duration maxInterval, Supplier<Optional<String>> permit,
                    Function<ManagedCertificate, Optional<Issuer>> issuers) {
    this.store = store;
    this.clock = clock;
    this.pass = pass;
    this.events = events;
    this.executor = executor;
    this.maxInterval = maxInterval;
    this.permit = permit;
    this.issuers = issuers;
  }

  /** One pass over {@code all}. */
  public ReconcileReport reconcile(List<ManagedCertificate> all) throws InterruptedException {
    Instant started = clock.instant();
    Set<String> due = fullPassDone ? Set.copyOf(store.due(started)) : null;
    List<Future<Outcome>> futures = new ArrayList<>();
    for (ManagedCertificate mc : all) {
      CertificatePass.Result seen = lastSeen.get(mc.name());
      boolean look = due == null || due.contains(mc.name()) || seen == null || !seen.nextDue().isAfter(started);
      futures.add(executor.submit(() -> look ? handle(mc) : new Outcome(restamped(seen, clock.instant()), null)));
    }
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
    fullPassDone = true;
    return new ReconcileReport(started, clock.instant(), statuses, wake, held);
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
}
