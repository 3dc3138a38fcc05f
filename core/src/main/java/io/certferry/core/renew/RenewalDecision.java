package io.certferry.core.renew;

import io.certferry.core.store.LineageState;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a certificate is due for renewal, when, and why.
 *
 * @param due renew now
 * @param renewAt the instant renewal is (or was) due; for a due decision it may lie in the past
 * @param reason one line for people, e.g. {@code a third of the 90-day lifetime left on 2027-01-30}
 * @param source the rule that set {@code renewAt}
 * @param replaces the ARI certificate id of the certificate being replaced (for the ACME order's
 *                 {@code replaces} field); only when the CA offers ARI and the id could be computed
 * @param windowMoved set when the CA moved its suggested window since the last check: a message
 *                    to alert on (an early window usually means a revocation is coming)
 * @param explanationUrl the CA's explanation of its window, when it gave one
 * @param state the lineage state to save after this decision (ARI window, chosen instant, next poll)
 */
public record RenewalDecision(boolean due, Instant renewAt, String reason, RenewalSource source,
                              Optional<String> replaces, Optional<String> windowMoved, Optional<URI> explanationUrl,
                              LineageState state) {
  /** Instant renewal will next be looked at again: {@code renewAt} or, for ARI, the next poll if earlier. */
  public Instant nextCheck() {
    if (due) {
      return renewAt;
    }
    Instant poll = state.ariNextPoll();
    return poll != null && poll.isBefore(renewAt) ? poll : renewAt;
  }
}
