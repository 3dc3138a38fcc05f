package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.renew.RenewalExplanation;
import io.certferry.core.renew.RenewalSource;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code renew --explain}: what the engine decided for a certificate and why, read from the store. Not API. */
public final class Explainer {
  private Explainer() {}

  public static RenewalExplanation explain(CertificateStore store, ManagedCertificate mc, Optional<Issuer> primary,
                                           Instant now) {
    String name = mc.name();
    LineageState state = store.state(name);
    Optional<StoredVersion> current = store.current(name);
    List<String> chain = new ArrayList<>();
    primary.ifPresent(i -> chain.add(i.id()));
    mc.fallbacks().forEach(i -> chain.add(i.id()));
    int index = chain.isEmpty() ? 0 : Math.min(state.issuerIndex(), chain.size() - 1);
    String issuer = chain.isEmpty() ? "none (imported: replace it by importing)" : chain.get(index);
    Optional<String> error = Optional.ofNullable(state.failure()).map(LineageState.Failure::lastError);
    Optional<Instant> next = Optional.ofNullable(state.nextDue());
    if (current.isEmpty()) {
      return new RenewalExplanation(name, Optional.empty(), RenewalSource.FORCED.id(), "no certificate yet: issued at once",
          hold(state, now), issuer, index > 0, chain, next, error, Map.of());
    }
    LineageState.Plan plan = StatusReader.planFor(store, name, current.get(), state, now);
    return new RenewalExplanation(name, Optional.of(plan.renewAt()), plan.rule(), plan.reason() == null ? "" : plan.reason(),
        hold(state, now), issuer, index > 0, chain, next, error, challenges(current.get()));
  }

  /** The challenge chosen for each name of the version, and why, as its issuer recorded it. */
  private static Map<String, String> challenges(StoredVersion v) {
    Map<String, String> out = new TreeMap<>();
    v.details().forEach((k, why) -> {
      if (k.startsWith(IssuedCertificate.CHALLENGE_PREFIX)) {
        out.put(k.substring(IssuedCertificate.CHALLENGE_PREFIX.length()), why);
      }
    });
    return out;
  }

  /** The CA's rate limit or the failure backoff that keeps a due renewal waiting, if one does now. */
  private static Optional<String> hold(LineageState state, Instant now) {
    LineageState.Failure f = state.failure();
    if (state.noOrderBefore() != null && now.isBefore(state.noOrderBefore())) {
      return Optional.of("the CA's rate limit: no new order before " + state.noOrderBefore());
    }
    if (f != null && f.attempts() > 0 && f.nextAttempt() != null && now.isBefore(f.nextAttempt())) {
      return Optional.of("backoff: " + f.attempts() + " failed attempt(s), next attempt at " + f.nextAttempt());
    }
    return Optional.empty();
  }
}
