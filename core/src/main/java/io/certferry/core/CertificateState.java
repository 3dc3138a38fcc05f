package io.certferry.core;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a certificate stands in its life. This is the one rule: {@code list}, {@code show},
 * {@code /status}, {@code /metrics}, {@code /readyz} and {@code run --once} all report what
 * {@link #of} says, from the validity period and the renewal instant the planner decided.
 *
 * @since 0.1
 */
public enum CertificateState {
  /** Not yet due for renewal. */
  VALID("valid"),
  /** The renewal instant has passed: a new certificate should be (or is being) obtained. */
  RENEWAL_DUE("renewal-due"),
  /** Due, and little time is left: under a sixth of the lifetime or 7 days, whichever is shorter. Act now. */
  EXPIRING("expiring"),
  /** notAfter has passed. */
  EXPIRED("expired");

  private static final Duration EXPIRING_AT_MOST = Duration.ofDays(7);

  private final String id;

  CertificateState(String id) { this.id = id; }

  /**
   * The name used in output, JSON and metrics, e.g. {@code renewal-due}.
   *
   * @since 0.1
   */
  public String id() { return id; }

  /**
   * The state of a certificate valid from {@code notBefore} to {@code notAfter}, due for renewal at
   * {@code renewAt}, seen at {@code now}.
   *
   * @since 0.1
   */
  public static CertificateState of(Instant notBefore, Instant notAfter, Instant renewAt, Instant now) {
    if (!now.isBefore(notAfter)) {
      return EXPIRED;
    }
    if (now.isBefore(renewAt)) {
      return VALID;
    }
    Duration left = Duration.between(now, notAfter);
    Duration sixth = Duration.between(notBefore, notAfter).dividedBy(6);
    Duration tight = sixth.compareTo(EXPIRING_AT_MOST) < 0 ? sixth : EXPIRING_AT_MOST;
    return left.compareTo(tight) <= 0 ? EXPIRING : RENEWAL_DUE;
  }

  /**
   * Whole days left until {@code notAfter}, counted toward zero: 89.9 days left is 89, half a day left is
   * 0, expired two and a half days ago is -2 ({@link #of} says that it expired). The one days-left rule
   * of every door.
   *
   * @since 0.1
   */
  public static long daysLeft(Instant notAfter, Instant now) {
    return Duration.between(now, notAfter).toDays();
  }

  @Override
  public String toString() { return id; }
}
