package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.store.TargetDeployment.Result;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployer's one rule for a target: hold it back (a failure's backoff, the account's request budget), leave
 * it (it serves the version, or is recorded as holding it and cannot tell), or deploy to it, and why. A pass
 * ({@link Deployer#deploy}) and a dry run ({@link Deployer#plan}) both ask it.
 */
final class DeployRule {
  private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);

  private DeployRule() {}

  /** What a record says the target served before this deploy began. */
  static Optional<String> served(Optional<TargetDeployment> rec) {
    return rec.flatMap(TargetDeployment::served);
  }

  /** Whether the record holds this version back for now: a failure's backoff, or the account's request budget. */
  static boolean heldBack(Optional<TargetDeployment> rec, String sha, Instant now) {
    return rec.isPresent() && (rec.get().result() == Result.FAILED || rec.get().result() == Result.WAITING)
        && sha.equals(rec.get().sha256()) && rec.get().nextAttempt() != null && now.isBefore(rec.get().nextAttempt());
  }

  /**
   * What the rule says for one target: hold it (backing off, waiting for its budget), skip it (in sync, found in
   * sync) or deploy, and why; {@code askedTarget} when it is deployed to because of what the target said (or could
   * not say) it serves, so a dry run may ask it for more.
   */
  record Verdict(Kind kind, String why, boolean askedTarget) {
    enum Kind { BACKING_OFF, WAITING, ALREADY_IN_SYNC, ADOPT, DEPLOY }

    Verdict(Kind kind, String why) { this(kind, why, false); }
  }

  static Verdict verdict(DeployTarget t, Optional<TargetDeployment> rec, String sha,
                         Supplier<CertificateBundle> bundle, Instant now) {
    if (heldBack(rec, sha, now)) {
      TargetDeployment r = rec.get();
      return r.result() == Result.WAITING
          ? new Verdict(Verdict.Kind.WAITING, "waits for its account's request budget until " + r.nextAttempt()
              + ": " + r.lastError())
          : new Verdict(Verdict.Kind.BACKING_OFF, r.attempts() + " failed attempt(s), next not before "
              + r.nextAttempt() + "; last error: " + r.lastError());
    }
    boolean recordedInSync = rec.isPresent() && rec.get().result() == Result.IN_SYNC && sha.equals(rec.get().sha256());
    // A deploy of this version began and never finished (the process died in it): redo it whole, hook included.
    boolean interrupted = rec.isPresent() && rec.get().result() == Result.DEPLOYING && sha.equals(rec.get().sha256());
    if (interrupted) {
      return new Verdict(Verdict.Kind.DEPLOY, "a deploy of this version was interrupted; it is done again whole");
    }
    Optional<Boolean> serves = servesNow(t, sha, bundle);
    boolean trustRecord = serves.isEmpty() && !t.reportsWhatItServes() && recordedInSync;
    if (serves.orElse(false) || trustRecord) {
      return new Verdict(recordedInSync ? Verdict.Kind.ALREADY_IN_SYNC : Verdict.Kind.ADOPT,
          trustRecord ? "recorded as holding it (the target cannot tell what it serves)" : "serves it now");
    }
    return new Verdict(Verdict.Kind.DEPLOY, serves.isPresent() ? "serves another certificate, not " + sha
        : t.reportsWhatItServes() ? "cannot tell what it serves now" : "has no record of holding it", true);
  }

  /** Whether the target serves the bundle now; a failure to tell is treated as "unknown", and the deploy finds out. */
  private static Optional<Boolean> servesNow(DeployTarget t, String sha, Supplier<CertificateBundle> bundle) {
    try {
      return t.serves(sha, bundle);
    } catch (DeployException | RuntimeException e) {
      LOG.debug("target {} cannot tell what it serves: {}", t.id(), e.getMessage());
      return Optional.empty();
    }
  }
}
