package io.certferry.core.renew;

import io.certferry.core.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The renewal rule used when the CA gives no renewal information: renew when a third of the
 * lifetime is left (half for lifetimes under 10 days, such as Let's Encrypt's 6-day certificates),
 * or at an explicit {@code renewBefore} ahead of expiry. A fixed "30 days before" cannot serve
 * 6-, 45- or 47-day certificates; a fraction of the lifetime can.
 *
 * @since 0.1
 */
public record RenewalPolicy(Optional<Duration> renewBefore) {
  /** The option name in a lineage's spec, e.g. {@code "renewBefore": "30d"}. */
  public static final String RENEW_BEFORE_OPTION = "renewBefore";

  static final Duration SHORT_LIFETIME = Duration.ofDays(10);

  public RenewalPolicy {
    renewBefore.ifPresent(d -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("renewBefore must be positive, got " + d);
      }
    });
  }

  /**
   * The lifetime rule alone.
   *
   * @since 0.1
   */
  public static RenewalPolicy defaults() { return new RenewalPolicy(Optional.empty()); }

  /**
   * Renew this long before expiry.
   *
   * @since 0.1
   */
  public static RenewalPolicy renewBefore(Duration before) { return new RenewalPolicy(Optional.of(before)); }

  /**
   * Reads {@code renewBefore} from a lineage's options; absent means the lifetime rule.
   *
   * @throws IllegalArgumentException naming the option and the accepted forms when the value is unreadable
   * @since 0.1
   */
  public static RenewalPolicy fromOptions(Map<String, String> options) {
    String value = options.get(RENEW_BEFORE_OPTION);
    if (value == null || value.isBlank()) {
      return defaults();
    }
    try {
      return renewBefore(Durations.parsePositive(value));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("renewBefore " + e.getMessage(), e);
    }
  }

  /**
   * When a certificate valid from {@code notBefore} to {@code notAfter} is due, and why.
   *
   * @since 0.1
   */
  public Rule ruleFor(Instant notBefore, Instant notAfter) {
    Duration lifetime = Duration.between(notBefore, notAfter);
    if (renewBefore.isPresent()) {
      Duration before = renewBefore.get();
      if (before.compareTo(lifetime) < 0) {
        Instant at = notAfter.minus(before);
        return new Rule(at, RenewalSource.RENEW_BEFORE,
            "renewBefore " + human(before) + " before expiry, on " + when(at, lifetime));
      }
      // A renewBefore as long as the lifetime would renew on every run, for ever: fall back.
      Rule fallback = lifetimeRule(notBefore, notAfter, lifetime);
      return new Rule(fallback.at(), fallback.source(), "renewBefore " + human(before)
          + " is not shorter than the " + lifetime(lifetime) + " lifetime, so " + fallback.reason());
    }
    return lifetimeRule(notBefore, notAfter, lifetime);
  }

  private static Rule lifetimeRule(Instant notBefore, Instant notAfter, Duration lifetime) {
    boolean shortLived = lifetime.compareTo(SHORT_LIFETIME) < 0;
    Duration left = shortLived ? lifetime.dividedBy(2) : lifetime.dividedBy(3);
    Instant at = notAfter.minus(left);
    String fraction = shortLived ? "half" : "a third";
    return new Rule(at, RenewalSource.LIFETIME,
        fraction + " of the " + lifetime(lifetime) + " lifetime left " + (shortLived ? "at " : "on ") + when(at, lifetime));
  }

  /** A day for long lifetimes, a minute-precise instant for short ones. */
  private static String when(Instant at, Duration lifetime) {
    return lifetime.compareTo(SHORT_LIFETIME) < 0 ? Times.minute(at) : Times.day(at);
  }

  /** {@code 30d}, {@code 36h}, {@code 90m}: the way the option is written. */
  static String human(Duration d) {
    if (d.toHours() >= 48 && d.toHours() % 24 == 0) {
      return d.toDays() + "d";
    }
    if (d.toMinutes() >= 120 && d.toMinutes() % 60 == 0) {
      return d.toHours() + "h";
    }
    return d.toMinutes() + "m";
  }

  /** {@code 90-day}, {@code 36-hour}: the way people name a lifetime (rounded). */
  static String lifetime(Duration d) {
    if (d.toHours() >= 48) {
      return Math.round(d.toMinutes() / 1440.0) + "-day";
    }
    return Math.max(1, Math.round(d.toMinutes() / 60.0)) + "-hour";
  }

  /**
   * A rule's result: the instant, which rule, and the reason in one line.
   *
   * @since 0.1
   */
  public record Rule(Instant at, RenewalSource source, String reason) {}
}
