package io.certferry.core;

import java.time.Instant;
import java.util.List;

/**
 * What one {@link CertManager#reconcile()} pass found and did.
 *
 * @param nextWakeUp the earliest instant any certificate wants to be looked at again (renewal, retry of a
 *     failed issuance or target, ARI poll, alert level), bounded by the manager's maximum interval
 * @since 0.1
 */
public record ReconcileReport(Instant startedAt, Instant finishedAt, List<CertificateStatus> certificates,
                              Instant nextWakeUp) {
  public ReconcileReport {
    certificates = List.copyOf(certificates);
  }

  /**
   * True when every certificate is valid and every target serves its current version.
   *
   * @since 0.1
   */
  public boolean allGood() {
    return certificates.stream().allMatch(CertificateStatus::good);
  }
}
