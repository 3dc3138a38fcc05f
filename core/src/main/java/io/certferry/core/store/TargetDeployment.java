package io.certferry.core.store;

import java.time.Instant;
import java.util.Map;

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
   * Whether the target serves the current version, failed, or holds an older one.
   *
   * @since 0.1
   */
  public enum Result { IN_SYNC, FAILED, STALE }
}
