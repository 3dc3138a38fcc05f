package io.certferry.core.renew;

/** Which rule set a renewal decision's instant. */
public enum RenewalSource {
  /** The CA's suggested window (ACME Renewal Information, RFC 9773). */
  ARI,
  /** A fraction of the certificate's lifetime left: a third, or half under 10 days. */
  LIFETIME,
  /** An explicit {@code renewBefore} from the lineage's options. */
  RENEW_BEFORE,
  /** Renewal asked for by the operator ({@code renew --force}). */
  FORCED
}
