package io.certferry.core.store;

import java.time.Instant;
import java.util.Map;

/**
 * {@code state.json}: what the renewal side must remember between runs. Null fields are unknown.
 *
 * @param noOrderBefore no new ACME order before this instant (a rate limit's Retry-After)
 * @param failedAttempts consecutive failed issuance attempts (for backoff with jitter)
 * @param nextAttempt earliest next issuance attempt after a failure
 * @param lastError the last failure, for {@code show} and alerts
 * @param ariWindowStart start of the CA's suggested renewal window (RFC 9773)
 * @param ariWindowEnd end of that window
 * @param ariRenewAt the random instant chosen inside the window
 * @param ariNextPoll when to fetch the renewal info again (its Retry-After)
 * @param ariExplanationUrl the CA's explanation of an early window (e.g. a mass revocation)
 * @param extra anything else a component keeps (alert levels sent, etc.)
 */
public record LineageState(Instant noOrderBefore, int failedAttempts, Instant nextAttempt, String lastError,
                           Instant ariWindowStart, Instant ariWindowEnd, Instant ariRenewAt, Instant ariNextPoll,
                           String ariExplanationUrl, Map<String, String> extra) {
  public LineageState {
    extra = extra == null ? Map.of() : Map.copyOf(extra);
  }

  /** When the engine wants to look at the lineage again; not recorded yet (every lineage is due). */
  public Instant nextDue() { return null; }

  public static LineageState empty() {
    return new LineageState(null, 0, null, null, null, null, null, null, null, Map.of());
  }
}
