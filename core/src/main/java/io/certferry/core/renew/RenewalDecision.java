package io.certferry.core.renew;

import io.certferry.core.store.LineageState;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a certificate is renewed now, when it is due, and why.
 *
 * @param due attempt a renewal now
 * @param renewAt when the certificate is (or was) due by its rule; may lie in the past
 * @param attemptAt when the next attempt is made: {@code renewAt}, or later while a failure backoff or the
 *     CA's rate limit holds it back
 * @param source the rule that set {@code renewAt}
 * @param reason one line for people, e.g. {@code a third of the 90-day lifetime left on 2027-01-30}
 * @param hold why a due renewal waits ({@code backoff} or {@code rate limit} with its instant), if it does
 * @param replaces the ARI id of the certificate being replaced, for the order's {@code replaces}; only
 *     when the CA offers ARI and the id could be computed
 * @param windowMoved set when the CA moved its window since the last look: a message to alert on (an early
 *     window usually means a revocation is coming)
 * @param explanationUrl the CA's explanation of its window, when it gave one
 * @param state the lineage state to save after this decision (plan, ARI window, next poll)
 * @param revocationExpected set when the CA moved the window into an emergency (earlier, and ending within days):
 *     it is likely to revoke the certificate by the window's end, this instant
 * @since 0.1
 */
public record RenewalDecision(boolean due, Instant renewAt, Instant attemptAt, RenewalSource source, String reason,
                              Optional<String> hold, Optional<String> replaces, Optional<String> windowMoved,
                              Optional<URI> explanationUrl, LineageState state, Optional<Instant> revocationExpected) {
  /**
   * When to look again: the attempt, or the next ARI poll if that comes first.
   *
   * @since 0.1
   */
  public Instant nextCheck() {
    if (due) {
      return attemptAt;
    }
    Instant poll = state.ari() == null ? null : state.ari().nextPoll();
    return poll != null && poll.isBefore(attemptAt) ? poll : attemptAt;
  }

  /**
   * The rule's instant and reason as kept in {@code state.json}.
   *
   * @since 0.1
   */
  public LineageState.Plan plan(String sha256) {
    return new LineageState.Plan(sha256, renewAt, source.id(), reason);
  }
}
