package io.certferry.core;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a certificate stands in its life, as {@code list} and {@code /status} show it. Decided from
 * the validity period alone; the renewal decision (ARI, {@code renewBefore}) lives in {@code renew}.
 */
public enum CertificateState {
  /** More than a third of the lifetime is left. */
  VALID("valid"),
  /** Under a third of the lifetime is left: renewal should happen now. */
  RENEWAL_DUE("renewal-due"),
  /** Under 7 days or under a tenth of the lifetime is left: act before it breaks. */
  EXPIRING("expiring"),
  /** notAfter has passed. */
  EXPIRED("expired");

  private static final Duration EXPIRING_DAYS = Duration.ofDays(7);

  private final String id;

  CertificateState(String id) { this.id = id; }

  /** The name used in output and JSON, e.g. {@code renewal-due}. */
  public String id() { return id; }

  /** The state of a certificate valid from {@code notBefore} to {@code notAfter}, seen at {@code now}. */
  public static CertificateState of(Instant notBefore, Instant notAfter, Instant now) {
    if (!now.isBefore(notAfter)) {
      return EXPIRED;
    }
    Duration left = Duration.between(now, notAfter);
    Duration lifetime = Duration.between(notBefore, notAfter);
    if (left.compareTo(EXPIRING_DAYS) < 0 || left.multipliedBy(10).compareTo(lifetime) < 0) {
      return EXPIRING;
    }
    if (left.multipliedBy(3).compareTo(lifetime) < 0) {
      return RENEWAL_DUE;
    }
    return VALID;
  }

  /**
   * Whole days left until {@code notAfter}, counted toward zero: 89.9 days left is 89, expired 2.5
   * days ago is -2. {@link #of} says whether it has expired; this is the number people read.
   */
  public static long daysLeft(Instant notAfter, Instant now) {
    return Duration.between(now, notAfter).toDays();
  }

  @Override
  public String toString() { return id; }
}
