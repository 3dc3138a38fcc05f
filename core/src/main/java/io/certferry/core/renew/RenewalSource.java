package io.certferry.core.renew;

import java.util.Locale;

/**
 * Which rule set a renewal decision's instant.
 *
 * @since 0.1
 */
public enum RenewalSource {
  /** The CA's suggested window (ACME Renewal Information, RFC 9773). */
  ARI,
  /** A fraction of the certificate's lifetime left: a third, or half under 10 days. */
  LIFETIME,
  /** An explicit {@code renewBefore} from the lineage's options. */
  RENEW_BEFORE,
  /** Renewal asked for by the operator ({@code renew --force}) or after a revocation. */
  FORCED;

  /**
   * {@code ari}, {@code lifetime}, {@code renew-before}, {@code forced}: in state.json, JSON and metrics.
   *
   * @since 0.1
   */
  public String id() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }

  /**
   * The source named by {@link #id()}; {@link #LIFETIME} for an unknown or missing id.
   *
   * @since 0.1
   */
  public static RenewalSource ofId(String id) {
    for (RenewalSource s : values()) {
      if (s.id().equals(id)) {
        return s;
      }
    }
    return LIFETIME;
  }
}
