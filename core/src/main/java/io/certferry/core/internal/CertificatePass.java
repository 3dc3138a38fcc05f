package io.certferry.core.internal;

import io.certferry.core.CertificateStatus;
import io.certferry.core.CertificateStatus.TargetStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalCandidate;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.renew.RenewalSource;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.x509.CertificateChecks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One certificate's pass, under its store lock: decide, renew, deploy, alert, remember. Every door goes
 * through it: the agent's loop for each certificate, {@code certferry renew}, an embedding tool's
 * {@code renew(name)}. A failing step never skips the ones after it: a version already stored is
 * deployed even when deciding or renewing failed, and the failure is reported and alerted. Not API.
 */
public final class CertificatePass {
  private static final Logger LOG = LoggerFactory.getLogger(CertificatePass.class);

  private final CertificateStore store;
  private final Clock clock;
  private final RenewalPlanner planner;
  private final Deployer deployer;
  private final AlertPolicy alerts;
  private final Events events;
  private final Issuance issuance;
  private final Duration maxInterval;
  private final TargetStep targetStep;
  private final boolean dryRun;

  public CertificatePass(CertificateStore store, Clock clock, RenewalPlanner planner, Deployer deployer,
                         AlertPolicy alerts, Events events, Issuance issuance, Duration maxInterval) {
    this(store, clock, planner, deployer, alerts, events, issuance, maxInterval, false);
  }

  /**
   * @param dryRun decide everything, change nothing: no lock (taking one creates a folder), no order, no deploy, no
   *     write, no event; {@link Result#plan()} says what an apply pass would do
   */
  public CertificatePass(CertificateStore store, Clock clock, RenewalPlanner planner, Deployer deployer,
                         AlertPolicy alerts, Events events, Issuance issuance, Duration maxInterval, boolean dryRun) {
    this.store = store;
    this.clock = clock;
    this.planner = planner;
    this.deployer = deployer;
    this.alerts = alerts;
    this.issuance = issuance;
    this.maxInterval = maxInterval;
    Events told = dryRun ? Events.NONE : events;
    this.events = told;
    this.targetStep = new TargetStep(store, clock, deployer, new DeployGate(store, clock, told));
    this.dryRun = dryRun;
  }

  /**
   * What one pass did, and when the certificate wants to be looked at again; a dry run's {@code plan} says what
   * an apply pass would do (null otherwise).
   */
  public record Result(CertificateStatus status, Instant nextDue, ReconcilePlan.CertificatePlan plan) {
    public Result(CertificateStatus status, Instant nextDue) { this(status, nextDue, null); }
  }

  /**
   * Runs the pass; {@code force} renews now whatever the rules say (the CA's rate limit still holds). A dry pass
   * takes no lock: it writes nothing.
   *
   * @param ifFree take the lineage's lock only if nobody else holds it (the agent's pass), rather than wait for it
   * @throws io.certferry.core.store.LockedElsewhereException when someone else holds the lock ({@code ifFree}), or
   *     held it for longer than the store's lock timeout
   */
  public Result run(ManagedCertificate mc, Optional<Issuer> issuer, boolean force, boolean ifFree)
      throws InterruptedException {
    if (dryRun) {
      return locked(mc, issuer, force);
    }
    try (CertificateStore.Lock lock = ifFree ? store.tryLock(mc.name()) : store.lock(mc.name())) {
      return locked(mc, issuer, force);
    }
  }

  private Result locked(ManagedCertificate mc, Optional<Issuer> issuer, boolean force) throws InterruptedException {
    Instant now = clock.instant();
    LineageSpec spec = dryRun ? wantedSpec(mc) : ensureSpec(mc);
    LineageState before = store.state(mc.name());
    PassStep step = new PassStep(mc, before, store.current(mc.name()));
    decide(step, spec, issuer, force, now);
    renew(step, issuer, force, now);
    LineageState.Plan plan = plan(step, spec, issuer, now);
    List<TargetStatus> targets = targetStep.run(step, dryRun);
    alert(step, plan, targets, now);
    Instant nextDue = nextDue(step, now);
    step.state = step.state.withNextDue(nextDue);
    if (!dryRun && !step.state.equals(before)) {
      store.saveState(mc.name(), step.state); // an unchanged state is not rewritten: 1,000 fsyncs a pass add up
    }
    step.alerts.forEach(events::alert);
    CertificateStatus status = step.current.map(v -> StatusReader.of(mc.name(), mc.source(), mc.domains(), v, plan,
            step.renewed, targets, step.error, clock.instant()))
        .orElseGet(() -> new CertificateStatus(mc.name(), mc.source(), mc.domains(), Optional.empty(),
            CertificateStatus.MISSING, Optional.empty(), Optional.empty(), Optional.empty(), false, targets, step.error));
    return new Result(status, nextDue, dryRun ? DryRunNotes.plan(step, plan, status) : null);
  }

  private void decide(PassStep s, LineageSpec spec, Optional<Issuer> issuer, boolean force, Instant now)
      throws InterruptedException {
    if (s.current.isEmpty()) {
      return;
    }
    try {
      Optional<RenewalInfoSource> source = ari(s, issuer);
      // A version planned for renewal now (revoked) stays due until it is replaced, across restarts.
      LineageState.Plan plan = s.state.plan();
      boolean forced = force || plan != null && RenewalSource.FORCED.id().equals(plan.rule())
          && plan.sha256().equals(s.current.get().sha256());
      RenewalDecision d = planner.decide(candidate(spec.name(), s.current.get(), source.isPresent()),
          RenewalPolicy.fromOptions(spec.options()), s.state, source, forced);
      s.decision = Optional.of(d);
      s.state = d.state();
      // The CA will likely revoke it by then: a target in a maintenance window must not keep it that long.
      d.revocationExpected().ifPresent(at -> s.state = s.state.withRevocation(s.current.get().sha256(), at));
      d.windowMoved().ifPresent(m -> events.alert(new LifecycleEvent(LifecycleEvent.Type.ARI_WINDOW_MOVED, now,
          spec.name(), Optional.empty(), m, d.explanationUrl().map(u -> Map.of("explanationUrl", u.toString()))
              .orElse(Map.of()))));
    } catch (RuntimeException e) {
      LOG.debug("deciding the renewal of {} failed", spec.name(), e);
      s.fail("cannot decide the renewal: " + e.getMessage());
    }
  }

  private void renew(PassStep s, Optional<Issuer> primary, boolean force, Instant now) throws InterruptedException {
    ManagedCertificate mc = s.mc;
    boolean covered = s.current.map(v -> covers(v.domains(), mc.domains())).orElse(false);
    boolean missing = s.current.isEmpty() || !covered;
    // Due by the rule, whatever holds it back: a fallback may lift the hold, which was the last CA's.
    boolean due = missing || s.decision.map(d -> d.due() || d.hold().isPresent()).orElse(false);
    if (!due) {
      if ((s.state.failure() != null || s.state.issuerIndex() != 0) && s.decision.isPresent()) {
        s.state = s.state.withFailure(null).withIssuerIndex(0); // the version in hand is fine again
      }
      return;
    }
    if (primary.isEmpty()) {
      if (missing) {
        s.would(ReconcilePlan.Action.CANNOT, s.current.isEmpty() ? "no certificate stored, and no issuer: it is imported"
            : "the stored certificate does not cover " + uncovered(s.current.get().domains(), mc.domains()));
        // An imported certificate merely due for replacement is not a failure: expiry alerts cover it.
        s.fail(s.current.isEmpty()
            ? "no certificate stored yet; import one with: certferry import --name " + mc.name() + " --cert FILE --key FILE"
            : "the stored certificate does not cover " + uncovered(s.current.get().domains(), mc.domains())
                + "; import one that does with: certferry import --name " + mc.name());
      }
      return;
    }
    IssuerChain chain = IssuerChain.of(mc, primary.get());
    Issuer issuer = fallBackIfDue(s, chain, now);
    Instant held = heldUntil(s.state, force);
    if (held != null && now.isBefore(held)) {
      s.wake.add(held);
      s.wake.add(chain.fallbackAt(s.state, s.current, now));
      LineageState.Failure f = s.state.failure();
      s.fail(f != null && f.attempts() > 0 && held.equals(f.nextAttempt())
          ? f.attempts() + " failed attempt(s), next attempt not before " + held + "; last error: " + f.lastError()
          : "new orders held by the CA's rate limit until " + held);
      s.would(ReconcilePlan.Action.HELD, s.error.orElse("held"));
      return;
    }
    if (dryRun) {
      s.would(s.current.isEmpty() ? ReconcilePlan.Action.ISSUE : ReconcilePlan.Action.RENEW,
          DryRunNotes.whyOrder(s, missing, force, issuer));
      return;
    }
    // replaces names a certificate to the CA that issued it, and only to that one.
    Optional<String> replaces = s.decision.flatMap(RenewalDecision::replaces)
        .filter(r -> s.current.map(v -> chain.issuedBy(v).id().equals(issuer.id())).orElse(false));
    try {
      StoredVersion v = issuance.issue(mc, issuer, s.current, replaces);
      s.current = Optional.of(v);
      s.renewed = true;
      s.state = s.state.afterIssuance();
    } catch (IssueException e) {
      failed(s, issuer, e);
    } catch (RuntimeException e) {
      // An issuer's bug or a store failure: back off like any failure rather than retry every pass.
      LOG.debug("issuing {} failed", mc.name(), e);
      failed(s, issuer, new IssueException(IssueException.Kind.LOCAL,
          e.getClass().getSimpleName() + ": " + e.getMessage(), e));
    }
    Instant retry = s.state.heldUntil();
    if (retry != null) {
      s.wake.add(retry);
    }
    s.wake.add(chain.fallbackAt(s.state, s.current, now));
  }

  /**
   * The issuer to ask now: the one the state says, or the next when that one has failed long enough. A
   * fallback asks at once: the last CA's backoff and rate limit are that CA's.
   */
  private Issuer fallBackIfDue(PassStep s, IssuerChain chain, Instant now) {
    int index = chain.index(s.state);
    if (!now.isBefore(chain.fallbackAt(s.state, s.current, now))) {
      Issuer from = chain.get(index);
      index++;
      Issuer to = chain.get(index);
      String why = "falling back from " + from.id() + " (failing since " + s.state.failure().since() + ": "
          + s.state.failure().lastError() + ") to " + to.id();
      events.alert(new LifecycleEvent(LifecycleEvent.Type.ISSUER_FALLBACK, now, s.mc.name(), Optional.empty(), why,
          Map.of("from", from.id(), "to", to.id())));
      s.state = s.state.withIssuerIndex(index).withFailure(null).withNoOrderBefore(null);
    }
    return chain.get(index);
  }

  private void failed(PassStep s, Issuer issuer, IssueException e) {
    s.state = issuance.failed(s.mc, issuer, s.state, e);
    LineageState.Failure f = s.state.failure();
    s.fail(e.getMessage() + (e.kind() == IssueException.Kind.RATE_LIMITED
        ? " (no new order before " + s.state.noOrderBefore() + ")"
        : " (attempt " + f.attempts() + ", next attempt not before " + f.nextAttempt() + ")"));
  }

  /**
   * What the planner decides about. The ARI id comes from the version's details; a version stored without
   * it (an older Certferry) has its leaf read for it, and only when the CA offers ARI.
   */
  private RenewalCandidate candidate(String name, StoredVersion v, boolean ari) {
    RenewalCandidate c = StatusReader.candidate(name, v);
    if (ari && c.ariCertificateId().isEmpty()) {
      return RenewalCandidate.of(name, store.load(name, v.number()).leaf());
    }
    return c;
  }

  /**
   * The renewal-information source of the CA that issued the current version (a fallback CA's for a version it
   * made), asked for once per pass.
   */
  private static Optional<RenewalInfoSource> ari(PassStep s, Optional<Issuer> primary) throws InterruptedException {
    if (s.ari == null) {
      if (primary.isEmpty()) {
        s.ari = Optional.empty();
      } else {
        IssuerChain chain = IssuerChain.of(s.mc, primary.get());
        Issuer by = s.current.map(chain::issuedBy).orElse(chain.get(0));
        s.ari = by.renewalInfo();
      }
    }
    return s.ari;
  }

  /** Forcing skips the failure backoff, never the CA's rate limit. */
  private static Instant heldUntil(LineageState s, boolean force) {
    return force ? s.noOrderBefore() : s.heldUntil();
  }

  /** The renewal plan of the current version: decided now for a new version, else this pass's decision. */
  private LineageState.Plan plan(PassStep s, LineageSpec spec, Optional<Issuer> issuer, Instant now)
      throws InterruptedException {
    if (s.current.isEmpty()) {
      return null;
    }
    StoredVersion v = s.current.get();
    if (s.renewed) {
      s.decision = Optional.empty();
      try {
        Optional<RenewalInfoSource> source = ari(s, issuer);
        RenewalDecision d = planner.decide(candidate(spec.name(), v, source.isPresent()),
            RenewalPolicy.fromOptions(spec.options()), s.state, source, false);
        s.decision = Optional.of(d);
        s.state = d.state();
      } catch (RuntimeException e) {
        s.fail("cannot decide the renewal of the new version: " + e.getMessage());
      }
    }
    LineageState.Plan plan = s.decision.map(d -> d.plan(v.sha256()))
        .orElseGet(() -> StatusReader.planFor(store, spec.name(), v, s.state, now));
    s.state = s.state.withPlan(plan);
    s.decision.ifPresent(d -> s.wake.add(d.nextCheck()));
    return plan;
  }

  private void alert(PassStep s, LineageState.Plan plan, List<TargetStatus> targets, Instant now) {
    boolean overdue = plan != null && !now.isBefore(plan.renewAt());
    Map<String, String> failures = new LinkedHashMap<>();
    s.error.ifPresent(e -> failures.put("renewal", e));
    targets.stream().filter(t -> t.state().equals(TargetStatus.FAILED))
        .forEach(t -> failures.put("target:" + t.id(), t.lastError().orElse("failed")));
    AlertPolicy policy = policyFor(s.mc);
    AlertPolicy.Evaluation eval = policy.evaluate(s.mc.name(), s.current, overdue, failures, s.state.alerts(), now);
    if (overdue && s.current.isPresent()) {
      s.wake.addAll(policy.crossings(s.current.get().notAfter(), now));
    }
    s.state = s.state.withAlerts(eval.extra());
    s.wake.addAll(policy.pending(eval.extra()));
    s.alerts = eval.alerts();
  }

  /** The manager's alert policy, with the certificate's own days-left levels when it has them. */
  private AlertPolicy policyFor(ManagedCertificate mc) {
    String levels = mc.options().get(ManagedCertificate.ALERT_LEVELS);
    if (levels == null || levels.isBlank()) {
      return alerts;
    }
    return alerts.withLevels(Arrays.stream(levels.split(",")).map(String::trim).map(Integer::valueOf).toList());
  }

  private Instant nextDue(PassStep s, Instant now) {
    Instant next = now.plus(maxInterval);
    for (Instant w : s.wake) {
      if (w.isAfter(now) && w.isBefore(next)) {
        next = w;
      }
    }
    return next;
  }

  private LineageSpec ensureSpec(ManagedCertificate mc) {
    LineageSpec want = wantedSpec(mc);
    if (!store.spec(mc.name()).equals(Optional.of(want))) {
      store.saveSpec(want);
    }
    return want;
  }

  /** The spec the certificate should have: the config's, keeping the targets and issuer of a door that passes none. */
  private LineageSpec wantedSpec(ManagedCertificate mc) {
    LineageSpec want = new LineageSpec(mc.name(), mc.domains(), mc.source(), mc.keyType().id(), mc.options(),
        mc.targets().stream().map(DeployTarget::id).toList(), mc.issuerSettings().orElse(null));
    Optional<LineageSpec> have = store.spec(mc.name());
    if (have.isPresent()) {
      // A door that passes no issuer block (an embedding tool) or no targets (the CLI without a config) keeps
      // what the lineage was set up with, so it can be rebuilt from the store and its targets stay listed.
      want = new LineageSpec(want.name(), want.domains(), want.source(), want.keyType(), want.options(),
          want.targets().isEmpty() ? have.get().targets() : want.targets(),
          mc.issuerSettings().isEmpty() ? have.get().issuer() : want.issuer());
    }
    return want;
  }

  /** Whether the names in a certificate cover every wanted name (RFC 6125: a wildcard covers one label). */
  public static boolean covers(List<String> have, List<String> want) {
    return uncovered(have, want).isEmpty();
  }

  /** The wanted names the certificate's names do not cover, in order. */
  public static List<String> uncovered(List<String> have, List<String> want) {
    return CertificateChecks.uncovered(have, want);
  }
}
