package io.certferry.core.renew;

import io.certferry.core.RenewalTiming;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * {@link RenewalTiming} for {@link io.certferry.core.CertManager} backed by the {@link RenewalPlanner}:
 * ARI for lineages that have a renewal information source, the lifetime rule or {@code renewBefore}
 * (from the spec's options) for the rest.
 *
 * <pre>
 * AriClient ari = AriClient.builder().build();
 * RenewalTiming timing = PlannedRenewalTiming.builder(store)
 *     .renewalInfo(AriDirectories.cached(ari, spec -&gt; directoryOf(spec), clock))
 *     .create();
 * CertManager.builder().renewalTiming(timing)...
 * </pre>
 */
public final class PlannedRenewalTiming implements RenewalTiming {
  private final CertificateStore store;
  private final Function<LineageSpec, Optional<RenewalInfoSource>> renewalInfo;
  private final RandomGenerator random;

  private PlannedRenewalTiming(Builder b) {
    this.store = b.store;
    this.renewalInfo = b.renewalInfo;
    this.random = b.random;
  }

  public static Builder builder(CertificateStore store) { return new Builder(store); }

  @Override
  public Decision decide(LineageSpec spec, StoredVersion current, LineageState state, Instant now) {
    RenewalPlanner planner = RenewalPlanner.builder().clock(Clock.fixed(now, ZoneOffset.UTC)).random(random).build();
    Optional<RenewalInfoSource> ari = renewalInfo.apply(spec);
    // The leaf (for its ARI id) is parsed only when the CA offers ARI; otherwise metadata suffices.
    RenewalCandidate candidate = ari.isPresent()
        ? RenewalCandidate.of(spec.name(), store.load(spec.name(), current.number()).leaf())
        : new RenewalCandidate(spec.name(), current.notBefore(), current.notAfter(), Optional.empty());
    RenewalPolicy policy = RenewalPolicy.fromOptions(spec.options());
    // CertManager applies rate limits and failure backoff itself: decide on the state without them
    // and put them back into the state returned.
    LineageState unheld = new LineageState(null, 0, null, null, state.ariWindowStart(), state.ariWindowEnd(),
        state.ariRenewAt(), state.ariNextPoll(), state.ariExplanationUrl(), state.extra());
    RenewalDecision d;
    try {
      d = planner.decide(candidate, policy, unheld, ari, false);
    } catch (InterruptedException e) {
      // The interface cannot throw it: keep the flag for the caller's next blocking step, decide without ARI.
      Thread.currentThread().interrupt();
      try {
        d = planner.decide(candidate, policy, unheld, Optional.empty(), false);
      } catch (InterruptedException impossible) {
        throw new IllegalStateException(impossible);
      }
    }
    LineageState s = d.state();
    LineageState back = new LineageState(state.noOrderBefore(), state.failedAttempts(), state.nextAttempt(),
        state.lastError(), s.ariWindowStart(), s.ariWindowEnd(), s.ariRenewAt(), s.ariNextPoll(),
        s.ariExplanationUrl(), s.extra());
    return new Decision(d.due(), d.renewAt(), d.nextCheck(), d.replaces(), d.windowMoved(), back);
  }

  /** Builds a {@link PlannedRenewalTiming}. */
  public static final class Builder {
    private final CertificateStore store;
    private Function<LineageSpec, Optional<RenewalInfoSource>> renewalInfo = spec -> Optional.empty();
    private RandomGenerator random = new java.security.SecureRandom();

    private Builder(CertificateStore store) { this.store = Objects.requireNonNull(store, "store"); }

    /** Where a lineage's renewal information comes from; empty for lineages without ARI (the default for all). */
    public Builder renewalInfo(Function<LineageSpec, Optional<RenewalInfoSource>> renewalInfo) {
      this.renewalInfo = Objects.requireNonNull(renewalInfo, "renewalInfo");
      return this;
    }

    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public PlannedRenewalTiming create() { return new PlannedRenewalTiming(this); }
  }
}
