package io.certferry.core.deploy;

import java.time.Instant;
import java.util.Map;

/**
 * What a deploy did: the fingerprint now in place, when, and target-specific references (an uploaded
 * certificate's id, the files written) that a later deploy or a rollback can use.
 */
public record DeployReceipt(String targetId, String sha256, Instant at, boolean changed, String summary,
                            Map<String, String> details) {
  public DeployReceipt {
    details = Map.copyOf(details);
  }

  public static DeployReceipt changed(String targetId, String sha256, Instant at, String summary) {
    return new DeployReceipt(targetId, sha256, at, true, summary, Map.of());
  }

  public static DeployReceipt unchanged(String targetId, String sha256, Instant at, String summary) {
    return new DeployReceipt(targetId, sha256, at, false, summary, Map.of());
  }
}
