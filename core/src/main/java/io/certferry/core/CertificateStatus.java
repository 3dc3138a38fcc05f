package io.certferry.core;

import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One certificate as every door reports it: {@code list}, {@code show}, {@code /status},
 * {@code /metrics}, {@code /readyz}, {@code run --once} and {@link ReconcileReport}. Built by the
 * engine from the store's metadata (never a key), so what a user sees does not depend on the door.
 *
 * @param source {@code acme}, {@code local} or {@code imported}
 * @param current the current version's facts, empty when none is stored yet
 * @param state a {@link CertificateState#id()}, or {@code missing} (nothing stored yet) or {@code pending}
 *     (a key from {@code certferry csr} waits for its certificate)
 * @param daysLeft {@link CertificateState#daysLeft} of the current version, empty without one
 * @param renewAt when the current version is due for renewal (for imported ones: should be replaced)
 * @param renewReason the rule that set {@code renewAt}, in one line
 * @param renewedNow whether this call stored a new version
 * @param targets the targets and what they hold
 * @param error the failure this certificate has outstanding, if any
 * @since 0.1
 */
public record CertificateStatus(String name, String source, List<String> domains, Optional<StoredVersion> current,
                                String state, Optional<Long> daysLeft, Optional<Instant> renewAt,
                                Optional<String> renewReason, boolean renewedNow, List<TargetStatus> targets,
                                Optional<String> error) {
  /** {@code state} of a lineage with nothing stored yet. */
  public static final String MISSING = "missing";
  /** {@code state} of a lineage whose key from {@code certferry csr} waits for its certificate. */
  public static final String PENDING = "pending";

  public CertificateStatus {
    domains = List.copyOf(domains);
    targets = List.copyOf(targets);
  }

  /**
   * Valid, nothing outstanding, and every target serves the current version or waits, as configured, for its
   * maintenance window (a wait that would let what it serves expire is not taken).
   *
   * @since 0.1
   */
  public boolean good() {
    return state.equals(CertificateState.VALID.id()) && error.isEmpty()
        && targets.stream().allMatch(t -> t.state().equals(TargetStatus.IN_SYNC) || t.state().equals(TargetStatus.WAITING));
  }

  /**
   * Whether something is served or about to be: neither expired nor without a certificate.
   *
   * @since 0.1
   */
  public boolean ready() {
    return !state.equals(CertificateState.EXPIRED.id()) && !state.equals(MISSING) && !state.equals(PENDING);
  }

  /**
   * One target of the certificate.
   *
   * @param state {@code in-sync} (serves the current version), {@code stale} (holds an older one, or nothing is
   *     recorded yet), {@code waiting} (stale, and held until its maintenance window opens at {@code nextAttempt};
   *     {@code lastError} says which) or {@code failed} (the last attempt failed; {@code nextAttempt} says when it
   *     is retried)
   * @since 0.1
   */
  public record TargetStatus(String id, String state, Optional<String> sha256, Optional<Instant> at, int attempts,
                             Optional<Instant> nextAttempt, Optional<String> lastError) {
    public static final String IN_SYNC = "in-sync";
    public static final String STALE = "stale";
    public static final String WAITING = "waiting";
    public static final String FAILED = "failed";
  }
}
