package io.certferry.core.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code state.json}: what the engine must remember about a lineage between passes and processes.
 * Written by {@code CertManager} only; stores keep it as one document. Change it with the withers:
 * {@code state.withFailure(f).withNextDue(t)}.
 *
 * @param plan the last renewal decision for the current version (null before the first decision)
 * @param nextDue the earliest instant the engine wants to look at this lineage again: renewal, retry,
 *     ARI re-poll, alert level or window opening. Stores index it (the due queue); null means "now"
 * @param failure consecutive failed issuance attempts (null when the last attempt succeeded)
 * @param noOrderBefore no new order before this instant: the CA's rate limit (null when none)
 * @param ari the CA's suggested renewal window for the current version (null without ARI)
 * @param alerts what {@code AlertPolicy} has sent, so a restart does not repeat an alert
 * @param issuerIndex which of the certificate's issuers the current renewal asks: 0 the first, higher after a
 *     fallback; back to 0 once a version is stored
 * @param revocations versions (by SHA-256) revoked, or that the CA is expected to revoke (it moved their renewal
 *     window into an emergency), with the instant: a target still serving one is changed outside its maintenance
 *     window when the window opens too late. Kept across renewals while a target may serve the version
 * @since 0.1
 */
public record LineageState(Plan plan, Instant nextDue, Failure failure, Instant noOrderBefore, Ari ari,
                           Map<String, String> alerts, int issuerIndex, Map<String, Instant> revocations) {
  private static final LineageState EMPTY = new LineageState(null, null, null, null, null, Map.of(), 0, Map.of());

  public LineageState {
    alerts = alerts == null ? Map.of() : Map.copyOf(alerts);
    revocations = revocations == null ? Map.of() : Map.copyOf(revocations);
  }

  /**
   * A lineage with no plan, failure, hold, ARI window or alert yet.
   *
   * @since 0.1
   */
  public static LineageState empty() { return EMPTY; }

  /**
   * A renewal decision as it was made.
   *
   * @param sha256 the version it was made for
   * @param renewAt when the version is (or was) due
   * @param rule which rule set it: {@code ari}, {@code lifetime}, {@code renew-before}, {@code forced}
   * @param reason one line for people
   * @since 0.1
   */
  public record Plan(String sha256, Instant renewAt, String rule, String reason) {
    public Plan {
      Objects.requireNonNull(renewAt, "renewAt");
    }
  }

  /**
   * Consecutive failed issuance attempts.
   *
   * @param kind the last failure's kind ({@code validation-failed}, {@code ca-unreachable}, ...)
   * @param since when the first of them happened
   * @param nextAttempt earliest next attempt (the backoff)
   * @since 0.1
   */
  public record Failure(String kind, int attempts, Instant since, Instant nextAttempt, String lastError) {}

  /**
   * The CA's renewal information (RFC 9773) for one certificate.
   *
   * @param certId the ARI id the window belongs to
   * @param renewAt the random instant chosen inside the window, kept while the window stays put
   * @param nextPoll when to ask again (the CA's Retry-After)
   * @param explanationUrl the CA's explanation of the window, if it gave one
   * @param error why the last fetch failed (null after a good answer)
   * @since 0.1
   */
  public record Ari(String certId, Instant windowStart, Instant windowEnd, Instant renewAt, Instant nextPoll,
                    String explanationUrl, String error) {
    /**
     * This window with a failed fetch recorded and the next poll set.
     *
     * @since 0.1
     */
    public Ari withError(String error, Instant nextPoll) {
      return new Ari(certId, windowStart, windowEnd, renewAt, nextPoll, explanationUrl, error);
    }

    /**
     * Whether the CA gave a window (a first fetch that failed leaves only the error).
     *
     * @since 0.1
     */
    public boolean hasWindow() { return windowStart != null && windowEnd != null && renewAt != null; }
  }

  /**
   * This state with the renewal plan replaced.
   *
   * @since 0.1
   */
  public LineageState withPlan(Plan plan) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * This state with the instant the engine looks at the lineage next.
   *
   * @since 0.1
   */
  public LineageState withNextDue(Instant nextDue) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * This state with a failure recorded.
   *
   * @since 0.1
   */
  public LineageState withFailure(Failure failure) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * This state holding new orders until {@code noOrderBefore} (a rate limit).
   *
   * @since 0.1
   */
  public LineageState withNoOrderBefore(Instant noOrderBefore) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * This state with the ARI window replaced.
   *
   * @since 0.1
   */
  public LineageState withAri(Ari ari) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * This state with the alerts sent replaced.
   *
   * @since 0.1
   */
  public LineageState withAlerts(Map<String, String> alerts) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, revocations);
  }

  /**
   * Asking the issuer at {@code index} from now on (a fallback), its holds not yet known.
   *
   * @since 0.1
   */
  public LineageState withIssuerIndex(int index) {
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, index, revocations);
  }

  /**
   * After a successful issuance: failures and the rate-limit hold cleared, the old version's plan and window
   * dropped, the first issuer asked again next time; revocations kept (targets may still serve the old version).
   *
   * @since 0.1
   */
  public LineageState afterIssuance() { return new LineageState(null, null, null, null, null, alerts, 0, revocations); }

  /**
   * Version {@code sha256} is revoked (or to be revoked by the CA) at {@code at}; an earlier instant known stays.
   *
   * @since 0.1
   */
  public LineageState withRevocation(String sha256, Instant at) {
    Map<String, Instant> next = new HashMap<>(revocations);
    next.merge(sha256, at, (had, now) -> had.isBefore(now) ? had : now);
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, next);
  }

  /**
   * The revocations of the given versions only (those a target may still serve).
   *
   * @since 0.1
   */
  public LineageState retainRevocations(Collection<String> sha256s) {
    if (sha256s.containsAll(revocations.keySet())) {
      return this;
    }
    Map<String, Instant> next = new HashMap<>(revocations);
    next.keySet().retainAll(sha256s);
    return new LineageState(plan, nextDue, failure, noOrderBefore, ari, alerts, issuerIndex, next);
  }

  /**
   * The instant before which no issuance may be attempted: the later of the backoff and the rate limit, or null.
   *
   * @since 0.1
   */
  public Instant heldUntil() {
    Instant backoff = failure == null ? null : failure.nextAttempt();
    if (backoff == null) {
      return noOrderBefore;
    }
    return noOrderBefore == null || backoff.isAfter(noOrderBefore) ? backoff : noOrderBefore;
  }
}
