package io.certferry.core.deploy;

import java.time.Instant;
import java.util.Map;

/**
 * What a deploy did: the fingerprint now in place, when, and target-specific references (an uploaded
 * certificate's id, the files written) that a later deploy or a rollback can use.
 *
 * @since 0.1
 */
public record DeployReceipt(String targetId, String sha256, Instant at, boolean changed, String summary,
                            Map<String, String> details) {
  public DeployReceipt {
    details = Map.copyOf(details);
  }

  /**
   * A deploy that changed what the target serves.
   *
   * @since 0.1
   */
  public static DeployReceipt changed(String targetId, String sha256, Instant at, String summary) {
    return new DeployReceipt(targetId, sha256, at, true, summary, Map.of());
  }

  /**
   * A deploy that found the target serving the version already.
   *
   * @since 0.1
   */
  public static DeployReceipt unchanged(String targetId, String sha256, Instant at, String summary) {
    return new DeployReceipt(targetId, sha256, at, false, summary, Map.of());
  }
}
