package io.certferry.core.internal;

import io.certferry.core.CertificateStatus;
import io.certferry.core.CertificateStatus.TargetStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployOutcome;
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
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.x509.CertificateChecks;

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
  private final DeployGate gate;

  public CertificatePass(CertificateStore store, Clock clock, RenewalPlanner planner, Deployer deployer,
                         AlertPolicy alerts, Events events, Issuance issuance, Duration maxInterval) {
    this.store = store;
    this.clock = clock;
    this.planner = planner;
    this.deployer = deployer;
    this.alerts = alerts;
    this.events = events;
    this.issuance = issuance;
    this.maxInterval = maxInterval;
    this.gate = new DeployGate(store, clock, events);
  }

  /** What one pass did, and when the certificate wants to be looked at again. */
  public record Result(CertificateStatus status, Instant nextDue) {}

  /** Runs the pass; {@code force} renews now whatever the rules say (the CA's rate limit still holds). */
  public Result run(ManagedCertificate mc, Optional<Issuer> issuer, boolean force) throws InterruptedException {
    try (CertificateStore.Lock lock = store.lock(mc.name())) {
      return locked(mc, issuer, force);
    }
  }

  private Result locked(ManagedCertificate mc, Optional<Issuer> issuer, boolean force) throws InterruptedException {
    Instant now = clock.instant();
    LineageSpec spec = ensureSpec(mc);
    LineageState before = store.state(mc.name());
    Step step = new Step(mc, before, store.current(mc.name()));
    decide(step, spec, issuer, force, now);
    renew(step, issuer, force, now);
    LineageState.Plan plan = plan(step, spec, issuer, now);
    List<TargetStatus> targets = deploy(step);
    alert(step, plan, targets, now);
    Instant nextDue = nextDue(step, now);
    step.state = step.state.withNextDue(nextDue);
    if (!step.state.equals(before)) {
      store.saveState(mc.name(), step.state); // an unchanged state is not rewritten: 1,000 fsyncs a pass add up
    }
    step.alerts.forEach(events::alert);
    CertificateStatus status = step.current.map(v -> StatusReader.of(mc.name(), mc.source(), mc.domains(), v, plan,
            step.renewed, targets, step.error, clock.instant()))
        .orElseGet(() -> new CertificateStatus(mc.name(), mc.source(), mc.domains(), Optional.empty(),
            CertificateStatus.MISSING, Optional.empty(), Optional.empty(), Optional.empty(), false, targets, step.error));
    return new Result(status, nextDue);
  }

  /** What the steps of one pass hand on to each other. */
  private static final class Step {
    final ManagedCertificate mc;
    LineageState state;
    Optional<StoredVersion> current;
    Optional<RenewalDecision> decision = Optional.empty();
    Optional<RenewalInfoSource> ari;
    Optional<String> error = Optional.empty();
    boolean renewed;
    final List<Instant> wake = new ArrayList<>();
    List<LifecycleEvent> alerts = List.of();

    Step(ManagedCertificate mc, LineageState state, Optional<StoredVersion> current) {
      this.mc = mc;
      this.state = state;
      this.current = current;
    }

    void fail(String message) {
      error = Optional.of(error.map(e -> e + "; ").orElse("") + message);
    }
  }

  private void decide(Step s, LineageSpec spec, Optional<Issuer> issuer, boolean force, Instant now)
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

  private void renew(Step s, Optional<Issuer> primary, boolean force, Instant now) throws InterruptedException {
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
  private Issuer fallBackIfDue(Step s, IssuerChain chain, Instant now) {
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

  private void failed(Step s, Issuer issuer, IssueException e) {
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
  private static Optional<RenewalInfoSource> ari(Step s, Optional<Issuer> primary) throws InterruptedException {
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
  private LineageState.Plan plan(Step s, LineageSpec spec, Optional<Issuer> issuer, Instant now)
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

  private List<TargetStatus> deploy(Step s) throws InterruptedException {
    ManagedCertificate mc = s.mc;
    if (mc.targets().isEmpty()) {
      s.state = s.state.retainRevocations(s.current.map(v -> Set.of(v.sha256())).orElse(Set.of()));
      return List.of();
    }
    Deployments recorded = store.deployments(mc.name());
    s.state = s.state.retainRevocations(mayServe(recorded, s.current));
    if (s.current.isEmpty()) {
      return mc.targets().stream().map(t -> StatusReader.target(t.id(), recorded.target(t.id()), null)).toList();
    }
    String sha = s.current.get().sha256();
    Map<String, TargetStatus> waiting = new LinkedHashMap<>();
    List<DeployTarget> now = new ArrayList<>();
    for (DeployTarget t : mc.targets()) {
      List<Instant> opens = new ArrayList<>(1);
      Optional<String> wait = gate.wait(mc, s.state, t, recorded, sha, opens::add);
      if (wait.isPresent()) {
        s.wake.addAll(opens);
        TargetStatus had = StatusReader.target(t.id(), recorded.target(t.id()), sha);
        waiting.put(t.id(), new TargetStatus(t.id(), TargetStatus.WAITING, had.sha256(), had.at(), had.attempts(),
            opens.stream().findFirst(), wait));
      } else {
        now.add(t);
      }
    }
    try {
      Map<String, TargetStatus> done = new LinkedHashMap<>();
      if (!now.isEmpty()) {
        DeployOutcome outcome = deployer.deploy(mc.name(), s.current.get(), recorded, now);
        outcome.nextRetry().ifPresent(s.wake::add);
        outcome.targets().forEach(t -> done.put(t.targetId(), StatusReader.target(t.targetId(), Optional.of(t.record()), sha)));
      }
      return mc.targets().stream().map(t -> done.containsKey(t.id()) ? done.get(t.id()) : waiting.get(t.id())).toList();
    } catch (RuntimeException e) {
      LOG.debug("deploying {} failed", mc.name(), e);
      s.fail("cannot deploy: " + e.getMessage());
      s.wake.add(clock.instant().plus(Duration.ofMinutes(1)));
      Deployments d = store.deployments(mc.name());
      return mc.targets().stream().map(DeployTarget::id).map(id -> StatusReader.target(id, d.target(id), sha)).toList();
    }
  }

  /** Every version a record says a target holds, or held before a failed or unfinished deploy, and the current one. */
  private static Set<String> mayServe(Deployments recorded, Optional<StoredVersion> current) {
    Set<String> out = new HashSet<>();
    current.ifPresent(v -> out.add(v.sha256()));
    for (TargetDeployment r : recorded.targets().values()) {
      out.add(r.sha256());
      out.add(r.details().getOrDefault("previousSha256", ""));
    }
    return out;
  }

  private void alert(Step s, LineageState.Plan plan, List<TargetStatus> targets, Instant now) {
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
    return alerts.withLevels(java.util.Arrays.stream(levels.split(",")).map(String::trim).map(Integer::valueOf).toList());
  }

  private Instant nextDue(Step s, Instant now) {
    Instant next = now.plus(maxInterval);
    for (Instant w : s.wake) {
      if (w.isAfter(now) && w.isBefore(next)) {
        next = w;
      }
    }
    return next;
  }

  private LineageSpec ensureSpec(ManagedCertificate mc) {
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
    if (!have.equals(Optional.of(want))) {
      store.saveSpec(want);
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
