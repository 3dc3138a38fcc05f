package io.certferry.core.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The certificate profiles of the simulated CA, as Let's Encrypt offers them, and Let's Encrypt's rule for
 * the renewal window it suggests over ARI: 2% of the lifetime wide, centred at two thirds of the lifetime
 * (at the midpoint for lifetimes under 10 days).
 */
enum Profile {
  SHORTLIVED(Duration.ofHours(160)),
  TLSSERVER(Duration.ofDays(45)),
  CLASSIC(Duration.ofDays(90));

  private static final Duration SHORT = Duration.ofDays(10);

  private final Duration lifetime;

  Profile(Duration lifetime) { this.lifetime = lifetime; }

  /** The name an order asks for ({@code shortlived}). */
  String id() { return name().toLowerCase(Locale.ROOT); }

  Duration lifetime() { return lifetime; }

  /** The suggested renewal window of a certificate valid from {@code notBefore} to {@code notAfter}. */
  static Period window(Instant notBefore, Instant notAfter) {
    Duration life = Duration.between(notBefore, notAfter);
    Duration centre = life.compareTo(SHORT) < 0 ? life.dividedBy(2) : life.multipliedBy(2).dividedBy(3);
    Duration half = life.dividedBy(100);
    Instant mid = notBefore.plus(centre);
    return new Period(mid.minus(half), mid.plus(half));
  }

  /** The fewest certificates that keep one name covered for {@code span}: each lasts one lifetime. */
  long fewestOrders(Duration span) {
    return (span.toMinutes() + lifetime.toMinutes() - 1) / lifetime.toMinutes();
  }

  static Profile byId(String id) {
    for (Profile p : values()) {
      if (p.id().equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no profile " + id);
  }
}
