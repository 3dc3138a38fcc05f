package io.certferry.core;

import io.certferry.core.deploy.DeployPlan;

import java.time.Instant;
import java.util.List;

/**
 * What a pass would do now, and why, decided by the engine's own rules without changing anything: no order,
 * no upload, no write to the store or a target, no notification ({@link CertManager#plan()}, {@code certferry
 * run --once --dry-run}). Deciding reads: the CA's renewal information, what each target serves (one API call or
 * handshake), what a watched endpoint serves.
 *
 * @since 0.1
 */
public record ReconcilePlan(Instant at, List<CertificatePlan> certificates) {
  public ReconcilePlan {
    certificates = List.copyOf(certificates);
  }

  /**
   * What would happen to a certificate's version.
   *
   * @since 0.1
   */
  public enum Action {
    /** Nothing: the version is good and not due (or the certificate is watched, not managed). */
    NONE,
    /** A first version would be ordered. */
    ISSUE,
    /** A new version would be ordered. */
    RENEW,
    /** Due, but held back (failure backoff, the CA's rate limit). */
    HELD,
    /** Nothing can be done by the engine: an imported certificate is missing or does not cover its names. */
    CANNOT
  }

  /**
   * One certificate (or watched endpoint).
   *
   * @param why one line for people: the rule that decided, the hold, what is missing
   * @param targets what would happen to each target, in the certificate's order
   * @param alerts the alerts a pass would send now, as their messages
   * @param status the certificate as it stands now (nothing of the plan applied)
   * @since 0.1
   */
  public record CertificatePlan(String name, Action action, String why, List<DeployPlan> targets, List<String> alerts,
                                CertificateStatus status) {
    public CertificatePlan {
      targets = List.copyOf(targets);
      alerts = List.copyOf(alerts);
    }
  }

  /**
   * Whether a pass now would order a certificate or deploy to a target.
   *
   * @since 0.1
   */
  public boolean changesSomething() {
    return certificates.stream().anyMatch(c -> c.action() == Action.ISSUE || c.action() == Action.RENEW
        || c.targets().stream().anyMatch(t -> t.step() == DeployPlan.Step.DEPLOY));
  }
}
