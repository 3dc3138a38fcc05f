package io.certferry.core.dns;

import java.util.Map;

/**
 * Identifies one record a {@link DnsProvider} created: the name, the value, the zone it went into and
 * the provider's own id for it.
 *
 * @since 0.1
 */
public record DnsRecordHandle(String fqdn, String value, String zone, String recordId, Map<String, String> details) {
  public DnsRecordHandle {
    details = Map.copyOf(details);
  }

  public DnsRecordHandle(String fqdn, String value, String zone, String recordId) {
    this(fqdn, value, zone, recordId, Map.of());
  }
}
