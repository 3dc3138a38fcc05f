package io.certferry.core.internal;

import io.certferry.core.CertificateState;
import io.certferry.core.CertificateStatus;
import io.certferry.core.CertificateStatus.TargetStatus;
import io.certferry.core.renew.RenewalCandidate;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Builds {@link CertificateStatus} from what the store holds, reading metadata only (never a PEM or a
 * key): the one way the state, days left, renewal instant and target states are computed for every door.
 */
public final class StatusReader {
  private StatusReader() {}

  /** Soonest-expiring first; lineages without a certificate last, by name. */
  public static final Comparator<CertificateStatus> SOONEST_FIRST = Comparator
      .comparing((CertificateStatus s) -> s.current().map(StoredVersion::notAfter).orElse(null),
          Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(CertificateStatus::name);

  /** Every lineage of the store at {@code now}, soonest-expiring first (read in parallel: small files dominate). */
  public static List<CertificateStatus> all(CertificateStore store, Instant now) {
    List<CertificateStatus> out = new ArrayList<>(store.names().parallelStream().map(n -> read(store, n, now)).toList());
    out.sort(SOONEST_FIRST);
    return out;
  }

  /** One lineage, targets as {@code deployments.json} recorded them. */
  public static CertificateStatus read(CertificateStore store, String name, Instant now) {
    return read(store, name, store.current(name), () -> store.state(name), now);
  }

  /** As {@link #read(CertificateStore, String, Instant)}, with the current version and state the caller just read. */
  public static CertificateStatus read(CertificateStore store, String name, Optional<StoredVersion> current,
                                      LineageState state, Instant now) {
    return read(store, name, current, () -> state, now);
  }

  private static CertificateStatus read(CertificateStore store, String name, Optional<StoredVersion> current,
                                        Supplier<LineageState> stateOf, Instant now) {
    Deployments deployments = store.deployments(name);
    String sha = current.map(StoredVersion::sha256).orElse(null);
    List<TargetStatus> targets = new ArrayList<>();
    new TreeMap<>(deployments.targets()).values().forEach(d -> targets.add(target(d.targetId(), Optional.of(d), sha)));
    if (current.isEmpty()) {
      Optional<LineageSpec> spec = store.spec(name);
      // An imported lineage without a version is one whose CSR went out: its key waits (no key is read here).
      String state = spec.map(LineageSpec::source).filter("imported"::equals).isPresent()
          ? CertificateStatus.PENDING : CertificateStatus.MISSING;
      return new CertificateStatus(name, spec.map(LineageSpec::source).orElse(null),
          spec.map(LineageSpec::domains).orElse(List.of()), current, state, Optional.empty(), Optional.empty(),
          Optional.empty(), false, targets, Optional.empty());
    }
    LineageState state = stateOf.get();
    LineageState.Plan plan = planFor(store, name, current.get(), state, now);
    return of(name, current.get().source(), current.get().domains(), current.get(), plan, false, targets,
        Optional.ofNullable(state.failure()).map(LineageState.Failure::lastError), now);
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
    RenewalPolicy policy = store.spec(name).map(s -> policy(s)).orElse(RenewalPolicy.defaults());
    RenewalDecision d = RenewalPlanner.offline(candidate(name, v), policy, state, now);
    return d.plan(v.sha256());
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
    return new TargetStatus(id, state, Optional.ofNullable(r.sha256()), Optional.ofNullable(r.at()), r.attempts(),
        Optional.ofNullable(r.nextAttempt()), Optional.ofNullable(r.lastError()));
  }
}
