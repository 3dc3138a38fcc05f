package io.certferry.core.renew;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * How loudly to warn about a certificate Certferry cannot renew itself (an imported, bought
 * certificate): nothing until 30 days are left, then at 30, 14, 7, 3 and 1 days, then expired.
 * A level is reached when at most that many days are left; each level is alerted on once.
 */
public enum AlertLevel {
  NONE(Long.MAX_VALUE),
  DAYS_30(30),
  DAYS_14(14),
  DAYS_7(7),
  DAYS_3(3),
  DAYS_1(1),
  EXPIRED(0);

  private final long days;

  AlertLevel(long days) { this.days = days; }

  /** The level for a certificate expiring at {@code notAfter}, now by {@code clock}. */
  public static AlertLevel of(Instant notAfter, Clock clock) {
    Duration left = Duration.between(clock.instant(), notAfter);
    if (left.isNegative() || left.isZero()) {
      return EXPIRED;
    }
    AlertLevel level = NONE;
    for (AlertLevel l : values()) {
      if (l != NONE && l != EXPIRED && left.compareTo(Duration.ofDays(l.days)) <= 0) {
        level = l;
      }
    }
    return level;
  }

  /** The threshold in days; 0 for {@link #EXPIRED}; {@link Long#MAX_VALUE} for {@link #NONE}. */
  public long days() { return days; }

  /** Whether this level is worse than {@code other} (alert when a lineage crosses into a worse level). */
  public boolean isWorseThan(AlertLevel other) { return ordinal() > other.ordinal(); }

  /** {@code none}, {@code 30 days}, {@code 1 day}, {@code expired}: for output lines. */
  public String label() {
    return switch (this) {
      case NONE -> "none";
      case EXPIRED -> "expired";
      case DAYS_1 -> "1 day";
      default -> days + " days";
    };
  }
}
