package io.certferry.core;

import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one {@link CertManager#reconcile()} pass found and did.
 *
 * @param nextWakeUp the earliest of every certificate's next renewal time, next retry of a failed
 *     target or issuance, next ARI poll, and the manager's maximum interval
 */
public record ReconcileReport(Instant startedAt, Instant finishedAt, List<CertificateStatus> certificates,
                              Instant nextWakeUp) {
  public ReconcileReport {
    certificates = List.copyOf(certificates);
  }

  /** True when every certificate is valid and every target serves its current version. */
  public boolean allGood() {
    return certificates.stream().allMatch(CertificateStatus::good);
  }

  /**
   * One certificate after the pass.
   *
   * @param state {@code valid}, {@code renewal-due}, {@code expiring}, {@code expired} or {@code missing}
   * @param renewAt when renewal is due (empty without a current version)
   * @param renewedNow whether this pass stored a new version
   * @param error the last renewal failure, if the certificate has one outstanding
   */
  public record CertificateStatus(String name, String source, List<String> domains, String state,
                                  Optional<StoredVersion> current, Optional<Instant> renewAt, boolean renewedNow,
                                  List<TargetStatus> targets, Optional<String> error) {
    public CertificateStatus {
      domains = List.copyOf(domains);
      targets = List.copyOf(targets);
    }

    public boolean good() {
      return state.equals("valid") && error.isEmpty() && targets.stream().allMatch(t -> t.state().equals("in-sync"));
    }
  }

  /**
   * One target after the pass.
   *
   * @param state {@code in-sync}, {@code stale} (holds an older version, or nothing recorded) or {@code failed}
   */
  public record TargetStatus(String id, String state, Optional<String> sha256, int attempts,
                             Optional<Instant> nextAttempt, Optional<String> lastError) {}
}
