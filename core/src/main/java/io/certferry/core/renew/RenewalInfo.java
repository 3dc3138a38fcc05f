package io.certferry.core.renew;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A CA's answer to a renewal information request (RFC 9773 section 4.2).
 *
 * @param windowStart start of the suggested window (inclusive)
 * @param windowEnd end of the suggested window (exclusive); after the start
 * @param explanationUrl a page explaining the window, e.g. an incident report
 * @param retryAfter how long to wait before asking again, already bounded by the client
 * @since 0.1
 */
public record RenewalInfo(Instant windowStart, Instant windowEnd, Optional<URI> explanationUrl, Duration retryAfter) {
  public RenewalInfo {
    Objects.requireNonNull(windowStart, "windowStart");
    Objects.requireNonNull(windowEnd, "windowEnd");
    if (!windowEnd.isAfter(windowStart)) {
      throw new IllegalArgumentException("suggestedWindow end " + windowEnd + " is not after its start " + windowStart);
    }
    explanationUrl = explanationUrl == null ? Optional.empty() : explanationUrl;
    Objects.requireNonNull(retryAfter, "retryAfter");
  }
}
