package io.certferry.core.renew;

import io.certferry.core.store.LineageState;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Decides when a certificate is renewed. ARI (RFC 9773) first: the CA's suggested window, a
 * uniformly random instant inside it kept stable while the window stays put and re-picked when the
 * CA moves it, polled again after the CA's {@code Retry-After}. Without ARI (no source, no AKI in
 * the certificate, or the fetch failed), the {@link RenewalPolicy}: a third of the lifetime left
 * (half under 10 days) or an explicit {@code renewBefore}. A decision that is due is still held
 * back by the lineage's rate-limit and failure backoff instants, unless forced.
 *
 * <p>Time and randomness are injected, so decisions are tested by moving a fake clock. The only
 * I/O is the {@link RenewalInfoSource}, called at most once per decision and only when the last
 * answer's {@code Retry-After} has passed.
 *
 * <pre>
 * RenewalPlanner planner = RenewalPlanner.builder().clock(clock).build();
 * RenewalDecision d = planner.decide(RenewalCandidate.of("www", leaf), RenewalPolicy.defaults(),
 *     store.state("www"), Optional.of(ariClient.source(renewalInfoUrl)), false);
 * store.saveState("www", d.state());
 * </pre>
 */
public final class RenewalPlanner {
  /** Key in {@link LineageState#extra()}: the ARI id the stored window belongs to. */
  public static final String ARI_CERT_ID = "ariCertId";
  /** Key in {@link LineageState#extra()}: why the last renewal information fetch failed. */
  public static final String ARI_ERROR = "ariError";
  /** How long a failed fetch waits before the next try (so an outage is not hammered). */
  static final Duration FAILED_FETCH_RETRY = Duration.ofHours(1);

  private final Clock clock;
  private final RandomGenerator random;

  private RenewalPlanner(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
  }

  public static Builder builder() { return new Builder(); }

  /**
   * Decides for one certificate.
   *
   * @param ari where to fetch renewal information, empty when the CA offers none (or for the local CA)
   * @param force renew now whatever the rules say (rate limits still hold)
   */
  public RenewalDecision decide(RenewalCandidate cert, RenewalPolicy policy, LineageState state,
                                Optional<RenewalInfoSource> ari, boolean force) throws InterruptedException {
    Instant now = clock.instant();
    RenewalPolicy.Rule rule = policy.ruleFor(cert.notBefore(), cert.notAfter());
    Planned planned;
    if (force) {
      planned = new Planned(now, RenewalSource.FORCED, "forced", state, Optional.empty(), Optional.empty(), false);
    } else if (ari.isPresent() && cert.ariCertificateId().isPresent()) {
      planned = ari(cert, rule, state, ari.get(), now);
    } else if (ari.isPresent()) {
      planned = fromRule(rule, state, "no ARI id (the certificate has no Authority Key Identifier); ");
    } else {
      planned = fromRule(rule, state, "");
    }
    // An order may only name the certificate it replaces when the CA implements ARI (acme4j refuses
    // otherwise): so only after an answer from the CA, or when forced with an ARI-capable CA.
    boolean ariKnown = force ? ari.isPresent() : planned.ariAnswered();
    Optional<String> replaces = ariKnown ? cert.ariCertificateId() : Optional.empty();
    return hold(planned, replaces, now, force);
  }

  private Planned ari(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state, RenewalInfoSource source,
                      Instant now) throws InterruptedException {
    String certId = cert.ariCertificateId().orElseThrow();
    boolean sameCert = certId.equals(state.extra().get(ARI_CERT_ID));
    boolean pollDue = !sameCert || state.ariNextPoll() == null || !now.isBefore(state.ariNextPoll());
    boolean haveWindow = sameCert && state.ariWindowStart() != null && state.ariWindowEnd() != null
        && state.ariRenewAt() != null;
    if (!pollDue) {
      if (haveWindow) {
        return fromWindow(cert, rule, state, "", Optional.empty());
      }
      String error = state.extra().getOrDefault(ARI_ERROR, "no answer");
      return fromRule(rule, state, "ARI unavailable (" + error + "; next try " + minute(state.ariNextPoll()) + "); ");
    }
    RenewalInfo info;
    try {
      info = source.fetch(certId);
    } catch (AriException e) {
      return afterFailedFetch(cert, rule, state, certId, sameCert, haveWindow, e.getMessage(), now);
    }
    Instant start = info.windowStart();
    Instant end = info.windowEnd();
    boolean sameWindow = haveWindow && start.equals(state.ariWindowStart()) && end.equals(state.ariWindowEnd());
    Instant renewAt = sameWindow && inWindow(state.ariRenewAt(), start, end) ? state.ariRenewAt() : pick(start, end);
    Optional<String> moved = Optional.empty();
    if (haveWindow && !sameWindow) {
      moved = Optional.of("ARI window moved by the CA from " + window(state.ariWindowStart(), state.ariWindowEnd())
          + " to " + window(start, end) + info.explanationUrl().map(u -> "; explanation: " + u).orElse(""));
    }
    Map<String, String> extra = new HashMap<>(state.extra());
    extra.put(ARI_CERT_ID, certId);
    extra.remove(ARI_ERROR);
    LineageState next = new LineageState(state.noOrderBefore(), state.failedAttempts(), state.nextAttempt(),
        state.lastError(), start, end, renewAt, now.plus(info.retryAfter()),
        info.explanationUrl().map(URI::toString).orElse(null), extra);
    return fromWindow(cert, rule, next, "", moved);
  }

  private Planned afterFailedFetch(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state, String certId,
                                   boolean sameCert, boolean haveWindow, String error, Instant now) {
    Map<String, String> extra = new HashMap<>(state.extra());
    extra.put(ARI_CERT_ID, certId);
    extra.put(ARI_ERROR, error);
    LineageState next = new LineageState(state.noOrderBefore(), state.failedAttempts(), state.nextAttempt(),
        state.lastError(), sameCert ? state.ariWindowStart() : null, sameCert ? state.ariWindowEnd() : null,
        sameCert ? state.ariRenewAt() : null, now.plus(FAILED_FETCH_RETRY),
        sameCert ? state.ariExplanationUrl() : null, extra);
    if (haveWindow) {
      // A transient outage must not drop an early window the CA already gave (e.g. before a revocation).
      return fromWindow(cert, rule, next, "ARI unavailable (" + error + "), using the last answer: ", Optional.empty());
    }
    return fromRule(rule, next, "ARI unavailable (" + error + "); ");
  }

  private Planned fromWindow(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state, String prefix,
                             Optional<String> moved) {
    Instant renewAt = state.ariRenewAt();
    Optional<URI> explanation = Optional.ofNullable(state.ariExplanationUrl()).map(URI::create);
    if (!renewAt.isBefore(cert.notAfter())) {
      Planned p = fromRule(rule, state, "ARI window " + window(state.ariWindowStart(), state.ariWindowEnd())
          + " ends after expiry; ");
      return new Planned(p.renewAt(), p.source(), p.reason(), p.state(), moved, explanation, true);
    }
    String reason = prefix + "ARI window " + window(state.ariWindowStart(), state.ariWindowEnd()) + ", chose "
        + minute(renewAt) + explanation.map(u -> " (explanation: " + u + ")").orElse("");
    return new Planned(renewAt, RenewalSource.ARI, reason, state, moved, explanation, true);
  }

  private static Planned fromRule(RenewalPolicy.Rule rule, LineageState state, String prefix) {
    return new Planned(rule.at(), rule.source(), prefix + rule.reason(), state, Optional.empty(), Optional.empty(),
        false);
  }

  /** Rate limits and failure backoff hold back a due renewal; forcing skips the backoff, never the CA's limit. */
  private static RenewalDecision hold(Planned p, Optional<String> replaces, Instant now, boolean force) {
    boolean due = !p.renewAt().isAfter(now);
    Instant at = p.renewAt();
    String reason = p.reason();
    LineageState s = p.state();
    if (due && s.noOrderBefore() != null && now.isBefore(s.noOrderBefore())) {
      due = false;
      at = s.noOrderBefore();
      reason += "; held by the CA's rate limit until " + minute(at);
    } else if (due && !force && s.nextAttempt() != null && now.isBefore(s.nextAttempt())) {
      due = false;
      at = s.nextAttempt();
      reason += "; retrying after " + s.failedAttempts() + " failed attempt(s) at " + minute(at);
    }
    return new RenewalDecision(due, at, reason, p.source(), replaces, p.moved(), p.explanation(), s);
  }

  private Instant pick(Instant start, Instant end) {
    long span = Duration.between(start, end).toMillis();
    return span <= 0 ? start : start.plusMillis(random.nextLong(span));
  }

  private static boolean inWindow(Instant t, Instant start, Instant end) {
    return t != null && !t.isBefore(start) && t.isBefore(end);
  }

  private static String window(Instant start, Instant end) { return minute(start) + ".." + minute(end); }

  private static String minute(Instant t) { return Times.minute(t); }

  private record Planned(Instant renewAt, RenewalSource source, String reason, LineageState state,
                         Optional<String> moved, Optional<URI> explanation, boolean ariAnswered) {}

  /** Builds a {@link RenewalPlanner}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new java.security.SecureRandom();

    private Builder() {}

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Picks the instant inside an ARI window; a seeded generator in tests. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public RenewalPlanner build() { return new RenewalPlanner(this); }
  }
}
