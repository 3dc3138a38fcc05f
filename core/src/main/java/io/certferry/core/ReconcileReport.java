package io.certferry.core;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What one {@link CertManager#reconcile()} pass found and did.
 *
 * @param nextWakeUp the earliest instant any certificate wants to be looked at again (renewal, retry of a
 *     failed issuance or target, ARI poll, alert level), bounded by the manager's maximum interval
 * @param heldElsewhere the certificates this pass left alone because another agent or process holds them, or
 *     because this engine may not work now (a fleet agent that no longer leads), each with who holds it and until
 *     when; their status is reported as the store has it
 * @since 0.1
 */
public record ReconcileReport(Instant startedAt, Instant finishedAt, List<CertificateStatus> certificates,
                              Instant nextWakeUp, Map<String, String> heldElsewhere) {
  public ReconcileReport {
    certificates = List.copyOf(certificates);
    heldElsewhere = Collections.unmodifiableMap(new TreeMap<>(heldElsewhere));
  }

  /** A pass that handled every certificate itself. */
  public ReconcileReport(Instant startedAt, Instant finishedAt, List<CertificateStatus> certificates, Instant nextWakeUp) {
    this(startedAt, finishedAt, certificates, nextWakeUp, Map.of());
  }

  /**
   * True when every certificate is valid and every target serves its current version.
   *
   * @since 0.1
   */
  public boolean allGood() {
    return certificates.stream().allMatch(CertificateStatus::good);
  }

  /**
   * The certificates this pass handled itself (all but {@link #heldElsewhere}), by name.
   *
   * @since 0.1
   */
  public Set<String> handled() {
    return certificates.stream().map(CertificateStatus::name).filter(n -> !heldElsewhere.containsKey(n))
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
