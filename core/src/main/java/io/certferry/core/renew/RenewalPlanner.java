package io.certferry.core.renew;

import io.certferry.core.store.LineageState;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The one place that decides when a certificate is renewed; every door (the agent, {@code certferry
 * renew}, an embedding tool) goes through it. ARI (RFC 9773) first: the CA's suggested window, a
 * uniformly random instant inside it kept stable while the window stays put and re-picked when the CA
 * moves it, polled again after the CA's {@code Retry-After}. Without ARI (no source, no AKI in the
 * certificate, or the fetch failed), the {@link RenewalPolicy}: a third of the lifetime left (half
 * under 10 days) or an explicit {@code renewBefore}. A due renewal is then held back by the lineage's
 * failure backoff and the CA's rate limit; forcing skips the backoff, never the CA's limit.
 *
 * <p>Time and randomness are injected, so decisions are tested by moving a fake clock. The only I/O
 * is the {@link RenewalInfoSource}, called at most once per decision and only when the last answer's
 * {@code Retry-After} has passed.
 *
 * <pre>
 * RenewalPlanner planner = RenewalPlanner.builder().clock(clock).build();
 * RenewalDecision d = planner.decide(RenewalCandidate.of("www", leaf), RenewalPolicy.defaults(),
 *     store.state("www"), issuer.renewalInfo(), false);
 * </pre>
 *
 * @since 0.1
 */
public final class RenewalPlanner {
  /** Key in a version's details: its ARI certificate id, stored at issuance. */
  public static final String ARI_CERT_ID = "ariCertId";
  /** How long a failed fetch waits before the next try (so an outage is not hammered). */
  static final Duration FAILED_FETCH_RETRY = Duration.ofHours(1);
  /**
   * A window the CA moved earlier that ends within this is an emergency: renew at once rather than at a
   * random instant in it. The Baseline Requirements give a CA 24 hours or 5 days to revoke.
   */
  static final Duration EMERGENCY = Duration.ofDays(5);

  private final Clock clock;
  private final RandomGenerator random;

  private RenewalPlanner(Builder b) {
    this.clock = b.clock;
    this.random = b.random;
  }

  /**
   * A builder with the defaults.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * Decides for one certificate.
   *
   * @param ari where to fetch renewal information, empty when the CA offers none (or for the local CA)
   * @param force renew now whatever the rules say (the CA's rate limit still holds)
   * @since 0.1
   */
  public RenewalDecision decide(RenewalCandidate cert, RenewalPolicy policy, LineageState state,
                                Optional<RenewalInfoSource> ari, boolean force) throws InterruptedException {
    Instant now = clock.instant();
    RenewalPolicy.Rule rule = policy.ruleFor(cert.notBefore(), cert.notAfter());
    Planned planned;
    if (force) {
      planned = new Planned(now, RenewalSource.FORCED, "forced", state, Optional.empty(), Optional.empty(), false,
          Optional.empty());
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

  /**
   * The plan the rules give without asking the CA: the window last fetched if the state holds one for
   * this certificate, else the policy. For readers that must not do I/O ({@code list}).
   *
   * @since 0.1
   */
  public static RenewalDecision offline(RenewalCandidate cert, RenewalPolicy policy, LineageState state, Instant now) {
    RenewalPolicy.Rule rule = policy.ruleFor(cert.notBefore(), cert.notAfter());
    LineageState.Ari a = state.ari();
    boolean window = a != null && a.hasWindow() && cert.ariCertificateId().map(a.certId()::equals).orElse(false);
    Planned planned = window ? fromWindow(cert, rule, state, "", Optional.empty()) : fromRule(rule, state, "");
    return hold(planned, Optional.empty(), now, false);
  }

  private Planned ari(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state, RenewalInfoSource source,
                      Instant now) throws InterruptedException {
    String certId = cert.ariCertificateId().orElseThrow();
    LineageState.Ari known = state.ari() != null && certId.equals(state.ari().certId()) ? state.ari() : null;
    boolean pollDue = known == null || known.nextPoll() == null || !now.isBefore(known.nextPoll());
    if (!pollDue) {
      if (known.hasWindow()) {
        return fromWindow(cert, rule, state, "", Optional.empty());
      }
      String error = known.error() == null ? "no answer" : known.error();
      return fromRule(rule, state, "ARI unavailable (" + error + "; next try " + Times.minute(known.nextPoll()) + "); ");
    }
    RenewalInfo info;
    try {
      info = source.fetch(certId);
    } catch (AriException e) {
      return afterFailedFetch(cert, rule, state, known, certId, e.getMessage(), now);
    }
    Instant start = info.windowStart();
    Instant end = info.windowEnd();
    boolean sameWindow = known != null && known.hasWindow() && start.equals(known.windowStart())
        && end.equals(known.windowEnd());
    // Kept while the window stays put (an instant chosen at once in an emergency may lie before its start).
    Instant renewAt = sameWindow && known.renewAt().isBefore(end) ? known.renewAt() : pick(start, end);
    Optional<String> moved = Optional.empty();
    Optional<Instant> revocation = Optional.empty();
    if (known != null && known.hasWindow() && !sameWindow) {
      boolean emergency = start.isBefore(known.windowStart()) && end.isBefore(now.plus(EMERGENCY));
      if (emergency) {
        renewAt = renewAt.isAfter(now) ? now : renewAt; // at once, not at a random instant of a window soon closing
        revocation = Optional.of(end);
      }
      moved = Optional.of("ARI window moved by the CA from " + window(known.windowStart(), known.windowEnd())
          + " to " + window(start, end) + (emergency ? "; renewing at once (the CA is likely to revoke)" : "")
          + info.explanationUrl().map(u -> "; explanation: " + u).orElse(""));
    } else if (info.explanationUrl().isPresent()
        && (known == null || !info.explanationUrl().get().toString().equals(known.explanationUrl()))) {
      // An explanation is news for the operator even when the window did not move (or is the first one heard).
      moved = Optional.of("the CA explains the ARI window " + window(start, end) + ": " + info.explanationUrl().get());
    }
    LineageState.Ari next = new LineageState.Ari(certId, start, end, renewAt, now.plus(info.retryAfter()),
        info.explanationUrl().map(URI::toString).orElse(null), null);
    Planned p = fromWindow(cert, rule, state.withAri(next), "", moved);
    return new Planned(p.renewAt(), p.source(), p.reason(), p.state(), p.moved(), p.explanation(), p.ariAnswered(),
        revocation);
  }

  private static Planned afterFailedFetch(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state,
                                          LineageState.Ari known, String certId, String error, Instant now) {
    Instant retry = now.plus(FAILED_FETCH_RETRY);
    LineageState.Ari next = known != null ? known.withError(error, retry)
        : new LineageState.Ari(certId, null, null, null, retry, null, error);
    LineageState s = state.withAri(next);
    if (next.hasWindow()) {
      // A transient outage must not drop an early window the CA already gave (e.g. before a revocation).
      return fromWindow(cert, rule, s, "ARI unavailable (" + error + "), using the last answer: ", Optional.empty());
    }
    return fromRule(rule, s, "ARI unavailable (" + error + "); ");
  }

  private static Planned fromWindow(RenewalCandidate cert, RenewalPolicy.Rule rule, LineageState state, String prefix,
                                    Optional<String> moved) {
    LineageState.Ari a = state.ari();
    Optional<URI> explanation = Optional.ofNullable(a.explanationUrl()).map(URI::create);
    if (!a.renewAt().isBefore(cert.notAfter())) {
      Planned p = fromRule(rule, state, "ARI window " + window(a.windowStart(), a.windowEnd()) + " ends after expiry; ");
      return new Planned(p.renewAt(), p.source(), p.reason(), p.state(), moved, explanation, true, Optional.empty());
    }
    String reason = prefix + "ARI window " + window(a.windowStart(), a.windowEnd()) + ", chose "
        + Times.minute(a.renewAt()) + explanation.map(u -> " (explanation: " + u + ")").orElse("");
    return new Planned(a.renewAt(), RenewalSource.ARI, reason, state, moved, explanation, true, Optional.empty());
  }

  private static Planned fromRule(RenewalPolicy.Rule rule, LineageState state, String prefix) {
    return new Planned(rule.at(), rule.source(), prefix + rule.reason(), state, Optional.empty(), Optional.empty(),
        false, Optional.empty());
  }

  /** Rate limits and failure backoff hold back a due renewal; forcing skips the backoff, never the CA's limit. */
  private static RenewalDecision hold(Planned p, Optional<String> replaces, Instant now, boolean force) {
    boolean due = !p.renewAt().isAfter(now);
    Instant attemptAt = due ? now : p.renewAt();
    Optional<String> hold = Optional.empty();
    LineageState s = p.state();
    Instant limit = s.noOrderBefore();
    Instant backoff = s.failure() == null ? null : s.failure().nextAttempt();
    if (due && limit != null && now.isBefore(limit)) {
      due = false;
      attemptAt = limit;
      hold = Optional.of("held by the CA's rate limit until " + Times.minute(limit));
    } else if (due && !force && backoff != null && now.isBefore(backoff)) {
      due = false;
      attemptAt = backoff;
      hold = Optional.of("retrying after " + s.failure().attempts() + " failed attempt(s) at " + Times.minute(backoff));
    }
    String reason = p.reason() + hold.map(h -> "; " + h).orElse("");
    return new RenewalDecision(due, p.renewAt(), attemptAt, p.source(), reason, hold, replaces, p.moved(),
        p.explanation(), s, p.revocation());
  }

  private Instant pick(Instant start, Instant end) {
    long span = Duration.between(start, end).toMillis();
    return span <= 0 ? start : start.plusMillis(random.nextLong(span));
  }

  private static String window(Instant start, Instant end) { return Times.minute(start) + ".." + Times.minute(end); }

  private record Planned(Instant renewAt, RenewalSource source, String reason, LineageState state,
                         Optional<String> moved, Optional<URI> explanation, boolean ariAnswered,
                         Optional<Instant> revocation) {}

  /**
   * Builds a {@link RenewalPlanner}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private RandomGenerator random = new SecureRandom();

    private Builder() {}

    /**
     * The clock decisions are made by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Picks the instant inside an ARI window; a seeded generator in tests.
     *
     * @since 0.1
     */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * The planner.
     *
     * @since 0.1
     */
    public RenewalPlanner build() { return new RenewalPlanner(this); }
  }
}
