package io.certferry.core.store;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one target holds, as last recorded: the fingerprint, when, the result of the last attempt,
 * consecutive failed attempts and when to try again (persisted so backoff survives restarts).
 *
 * @since 0.1
 */
public record TargetDeployment(String targetId, String sha256, Instant at, Result result, int attempts,
                               Instant nextAttempt, String lastError, Map<String, String> details) {
  public TargetDeployment {
    details = details == null ? Map.of() : Map.copyOf(details);
  }

  /**
   * {@code DEPLOYING}: a deploy began and has not been recorded as finished (an intent). Found on the next pass,
   * it means the process died inside the deploy: the whole deploy is done again, hook included, even when the
   * target already looks right (files written, reload never ran).
   *
   * @since 0.1
   */
  public enum Result {
    IN_SYNC, FAILED, STALE, DEPLOYING,
    /**
     * Held back by the request budget of the target's account until {@code nextAttempt}: not a failure, the
     * attempts are those before it; {@code lastError} says what it waits for.
     */
    WAITING
  }

  /**
   * What the target served when this was recorded: the fingerprint, or, for a deploy that failed, was
   * interrupted or waits for its budget (whose fingerprint is the version it was to put in place), the one it
   * held before.
   *
   * @since 0.1
   */
  public Optional<String> served() {
    String s = result == Result.FAILED || result == Result.DEPLOYING || result == Result.WAITING
        ? details.getOrDefault("previousSha256", "") : sha256;
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }
}
