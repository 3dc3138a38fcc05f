package io.certferry.core.internal;

import io.certferry.core.CertificateState;
import io.certferry.core.CertificateStatus;
import io.certferry.core.CertificateStatus.TargetStatus;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.renew.RenewalCandidate;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds {@link CertificateStatus} from what the store holds, reading metadata only (never a PEM or a
 * key): the one way the state, days left, renewal instant and target states are computed for every door.
 */
public final class StatusReader {
  private StatusReader() {}

  /** Soonest-expiring first; lineages without a certificate last, by name. */
  public static final Comparator<CertificateStatus> SOONEST_FIRST = (a, b) -> {
    Instant x = notAfter(a);
    Instant y = notAfter(b);
    int byExpiry = x == null ? (y == null ? 0 : 1) : y == null ? -1 : x.compareTo(y);
    return byExpiry != 0 ? byExpiry : a.name().compareTo(b.name());
  };

  private static Instant notAfter(CertificateStatus s) {
    return s.current().isPresent() ? s.current().get().notAfter() : null;
  }

  /**
   * Every lineage of the store at {@code now}, soonest-expiring first, from {@link CertificateStore#summaries()}: one
   * query on a database, a parallel read of small files on a FileStore; and every watched endpoint the store keeps
   * a record of.
   */
  public static List<CertificateStatus> all(CertificateStore store, Instant now) {
    List<CertificateStatus> out = new ArrayList<>(store.summaries().parallelStream().map(s -> of(s, now)).toList());
    store.watchRecords().forEach(r -> out.add(WatchPass.status(r, now)));
    out.sort(SOONEST_FIRST);
    return out;
  }

  /** One lineage, targets as {@code deployments.json} recorded them. */
  public static CertificateStatus read(CertificateStore store, String name, Instant now) {
    return of(LineageSummary.read(store, name), now);
  }

  /** One lineage from what the store holds of it. */
  public static CertificateStatus of(LineageSummary l, Instant now) {
    Optional<StoredVersion> current = l.current();
    String sha = current.map(StoredVersion::sha256).orElse(null);
    List<TargetStatus> targets = new ArrayList<>();
    new TreeMap<>(l.deployments().targets()).values().forEach(d -> targets.add(target(d.targetId(), Optional.of(d), sha)));
    Optional<LineageSpec> spec = l.spec();
    if (current.isEmpty()) {
      // An imported lineage without a version is one whose CSR went out: its key waits (no key is read here).
      String state = spec.map(LineageSpec::source).filter("imported"::equals).isPresent()
          ? CertificateStatus.PENDING : CertificateStatus.MISSING;
      return new CertificateStatus(l.name(), spec.map(LineageSpec::source).orElse(null),
          spec.map(LineageSpec::domains).orElse(List.of()), current, state, Optional.empty(), Optional.empty(),
          Optional.empty(), false, targets, Optional.empty());
    }
    LineageState.Plan plan = planFor(spec, l.name(), current.get(), l.state(), now);
    return of(l.name(), current.get().source(), current.get().domains(), current.get(), plan, false, targets,
        Optional.ofNullable(l.state().failure()).map(LineageState.Failure::lastError), now);
  }

  /**
   * The plan the engine last decided for this version, or, before its first decision (or from an older
   * store), the planner's rule worked out from the lineage's options without asking the CA.
   */
  public static LineageState.Plan planFor(CertificateStore store, String name, StoredVersion v, LineageState state,
                                   Instant now) {
    if (state.plan() != null && v.sha256().equals(state.plan().sha256())) {
      return state.plan();
    }
    return planFor(store.spec(name), name, v, state, now);
  }

  private static LineageState.Plan planFor(Optional<LineageSpec> spec, String name, StoredVersion v, LineageState state,
                                           Instant now) {
    if (state.plan() != null && v.sha256().equals(state.plan().sha256())) {
      return state.plan();
    }
    RenewalPolicy policy = spec.map(StatusReader::policy).orElse(RenewalPolicy.defaults());
    RenewalDecision d = RenewalPlanner.offline(candidate(name, v), policy, state, now);
    return d.plan(v.sha256());
  }

  /** The planner's rule for a version nobody configured (a watched endpoint's): the default policy, no ARI. */
  public static LineageState.Plan planFor(StoredVersion v, Instant now) {
    return RenewalPlanner.offline(candidate(v.sha256(), v), RenewalPolicy.defaults(), LineageState.empty(), now)
        .plan(v.sha256());
  }

  private static RenewalPolicy policy(LineageSpec spec) {
    try {
      return RenewalPolicy.fromOptions(spec.options());
    } catch (IllegalArgumentException unreadable) {
      return RenewalPolicy.defaults(); // the engine reports it on its pass; a reader still answers
    }
  }

  public static RenewalCandidate candidate(String name, StoredVersion v) {
    return new RenewalCandidate(name, v.notBefore(), v.notAfter(),
        Optional.ofNullable(v.details().get(RenewalPlanner.ARI_CERT_ID)));
  }

  /** The status of a lineage with a current version, from its plan. */
  public static CertificateStatus of(String name, String source, List<String> domains, StoredVersion v,
                                     LineageState.Plan plan, boolean renewedNow, List<TargetStatus> targets,
                                     Optional<String> error, Instant now) {
    String state = CertificateState.of(v.notBefore(), v.notAfter(), plan.renewAt(), now).id();
    return new CertificateStatus(name, source, domains, Optional.of(v), state,
        Optional.of(CertificateState.daysLeft(v.notAfter(), now)), Optional.of(plan.renewAt()),
        Optional.ofNullable(plan.reason()), renewedNow, targets, error);
  }

  /** A target's state from its record: in-sync only when it holds the current version and the last attempt worked. */
  public static TargetStatus target(String id, Optional<TargetDeployment> rec, String currentSha) {
    if (rec.isEmpty()) {
      return new TargetStatus(id, TargetStatus.STALE, Optional.empty(), Optional.empty(), 0, Optional.empty(),
          Optional.empty());
    }
    TargetDeployment r = rec.get();
    if (r.result() == TargetDeployment.Result.WAITING && currentSha != null && currentSha.equals(r.sha256())) {
      // What it served before the held-back deploy, and why it waits.
      String before = r.details().getOrDefault("previousSha256", "");
      return new TargetStatus(id, TargetStatus.WAITING, before.isEmpty() ? Optional.empty() : Optional.of(before),
          Optional.ofNullable(r.at()), r.attempts(), Optional.ofNullable(r.nextAttempt()), Optional.ofNullable(r.lastError()));
    }
    String state = r.result() == TargetDeployment.Result.FAILED ? TargetStatus.FAILED
        : r.result() == TargetDeployment.Result.IN_SYNC && r.sha256() != null && r.sha256().equals(currentSha)
            ? TargetStatus.IN_SYNC : TargetStatus.STALE;
    List<String> frontends = r.details().keySet().stream().filter(k -> k.startsWith(DeployReceipt.FRONTEND))
        .map(k -> k.substring(DeployReceipt.FRONTEND.length())).sorted().toList();
    return new TargetStatus(id, state, Optional.ofNullable(r.sha256()), Optional.ofNullable(r.at()), r.attempts(),
        Optional.ofNullable(r.nextAttempt()), Optional.ofNullable(r.lastError()), frontends);
  }
}
