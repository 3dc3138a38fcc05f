package io.certferry.core;

import io.certferry.core.renew.RenewalCandidate;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.Optional;

/**
 * {@link RenewalTiming} on the renewal planner (lifetime fraction or {@code renewBefore}; ARI when a
 * renewal-info source is wired). The manager applies failure backoff and rate limits itself, so the
 * planner sees the state without them and they are put back into the state it returns.
 */
final class PlannedRenewalTiming implements RenewalTiming {
  /** Key in a version's details: its ARI certificate id, stored at issuance. */
  static final String ARI_ID = RenewalPlanner.ARI_CERT_ID;

  private final RenewalPlanner planner;
  private final java.util.function.Function<LineageSpec, Optional<io.certferry.core.renew.RenewalInfoSource>> ari;

  PlannedRenewalTiming(RenewalPlanner planner,
                       java.util.function.Function<LineageSpec, Optional<io.certferry.core.renew.RenewalInfoSource>> ari) {
    this.planner = planner;
    this.ari = ari;
  }

  @Override
  public Decision decide(LineageSpec spec, StoredVersion current, LineageState state, Instant now) {
    LineageState unheld = new LineageState(null, 0, null, null, state.ariWindowStart(), state.ariWindowEnd(),
        state.ariRenewAt(), state.ariNextPoll(), state.ariExplanationUrl(), state.extra());
    RenewalCandidate candidate = new RenewalCandidate(spec.name(), current.notBefore(), current.notAfter(),
        Optional.ofNullable(current.details().get(ARI_ID)));
    RenewalDecision d;
    try {
      d = planner.decide(candidate, RenewalPolicy.fromOptions(spec.options()), unheld, ari.apply(spec), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deciding the renewal of " + spec.name(), e);
    }
    LineageState s = d.state();
    LineageState back = new LineageState(state.noOrderBefore(), state.failedAttempts(), state.nextAttempt(), state.lastError(),
        s.ariWindowStart(), s.ariWindowEnd(), s.ariRenewAt(), s.ariNextPoll(), s.ariExplanationUrl(), s.extra());
    return new Decision(d.due(), d.renewAt(), d.nextCheck(), d.replaces(), d.windowMoved(), back);
  }
}
