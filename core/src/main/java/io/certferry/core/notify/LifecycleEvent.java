package io.certferry.core.notify;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Something that happened to a certificate or one of its targets. One stream of these feeds logs,
 * metrics and notifications. Never carries a key or a token.
 *
 * @since 0.1
 */
public record LifecycleEvent(Type type, Instant at, String certificate, Optional<String> target, String message,
                             Map<String, String> details) {
  public LifecycleEvent {
    target = target == null ? Optional.empty() : target;
    details = Map.copyOf(details);
  }

  /**
   * What happened, and how much it matters.
   *
   * @since 0.1
   */
  public enum Type {
    ISSUED(Severity.INFO), RENEWED(Severity.INFO), IMPORTED(Severity.INFO), DEPLOYED(Severity.INFO),
    VERIFIED(Severity.INFO), VERIFY_FAILED(Severity.ERROR), DEPLOY_FAILED(Severity.ERROR),
    RENEWAL_FAILED(Severity.ERROR), RATE_LIMITED(Severity.WARNING), EXPIRING(Severity.WARNING),
    EXPIRED(Severity.CRITICAL), ARI_WINDOW_MOVED(Severity.WARNING), REVOKED(Severity.WARNING),
    ISSUER_FALLBACK(Severity.WARNING), DEPLOY_DEFERRED(Severity.INFO), RECOVERED(Severity.INFO);

    private final Severity severity;

    Type(Severity severity) { this.severity = severity; }

    /**
     * How much an event of this type matters.
     *
     * @since 0.1
     */
    public Severity severity() { return severity; }
  }

  /**
   * How much an event matters: what logs, alerts and people do with it.
   *
   * @since 0.1
   */
  public enum Severity { INFO, WARNING, ERROR, CRITICAL }

  /**
   * An event about a certificate, without details.
   *
   * @since 0.1
   */
  public static LifecycleEvent of(Type type, Instant at, String certificate, String message) {
    return new LifecycleEvent(type, at, certificate, Optional.empty(), message, Map.of());
  }

  /**
   * An event about one target of a certificate, without details.
   *
   * @since 0.1
   */
  public static LifecycleEvent forTarget(Type type, Instant at, String certificate, String target, String message) {
    return new LifecycleEvent(type, at, certificate, Optional.of(target), message, Map.of());
  }
}
