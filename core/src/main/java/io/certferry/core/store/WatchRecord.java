package io.certferry.core.store;

import java.time.Instant;
import java.util.Map;

/**
 * What the engine remembers about a watched endpoint between passes and processes: what it served at the
 * last handshake (or, when that failed, at the last one that worked), the last error, and the alerts sent
 * (the {@code AlertPolicy} map, so a restart neither repeats nor forgets an alert).
 *
 * @param seen the facts of the certificate last served, as a version numbered 0 with source {@code watched};
 *     null when no handshake ever worked
 * @param error why the last check failed; null when it worked
 * @since 0.1
 */
public record WatchRecord(String name, String host, int port, String serverName, Instant checkedAt, StoredVersion seen,
                          String error, Map<String, String> alerts) {
  public WatchRecord {
    alerts = alerts == null ? Map.of() : Map.copyOf(alerts);
  }
}
