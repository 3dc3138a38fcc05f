package io.certferry.core.deploy;

import io.certferry.core.store.TargetDeployment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one {@link Deployer#deploy} pass did for a certificate: one outcome per target, in the
 * order the targets were given.
 *
 * @since 0.1
 */
public record DeployOutcome(String lineage, String sha256, List<TargetOutcome> targets) {
  public DeployOutcome {
    targets = List.copyOf(targets);
  }

  /**
   * Whether every target is proven (or recorded) to serve {@link #sha256()}.
   *
   * @since 0.1
   */
  public boolean allInSync() {
    return targets.stream().allMatch(TargetOutcome::inSync);
  }

  /**
   * The earliest time a failed target will be tried again.
   *
   * @since 0.1
   */
  public Optional<Instant> nextRetry() {
    return targets.stream().filter(t -> !t.inSync()).map(t -> t.record().nextAttempt())
        .filter(Objects::nonNull).min(Instant::compareTo);
  }

  /**
   * One target's result.
   *
   * @since 0.1
   */
  public record TargetOutcome(String targetId, Status status, TargetDeployment record) {
    /**
     * Whether the target serves the version now (deployed by this pass or already in sync).
     *
     * @since 0.1
     */
    public boolean inSync() { return status == Status.ALREADY_IN_SYNC || status == Status.DEPLOYED; }
  }

  /**
   * What became of one target in a deploy.
   *
   * @since 0.1
   */
  public enum Status {
    /** The target already served the certificate; nothing was sent. */
    ALREADY_IN_SYNC,
    /** The certificate was deployed and verified now. */
    DEPLOYED,
    /** Deploy or verification failed now; {@link TargetDeployment#nextAttempt()} says when to try again. */
    FAILED,
    /** An earlier failure's backoff has not run out; the target was not contacted. */
    BACKING_OFF,
    /**
     * The request budget of the target's account is used up: the work waits, unsent, until
     * {@link TargetDeployment#nextAttempt()}. Not a failure.
     */
    WAITING
  }
}
