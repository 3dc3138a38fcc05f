package io.certferry.provider.dnsimple;

import io.certferry.provider.dnsimple.DnsimpleApi.Zone;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Which zone a name belongs to, and the name relative to it. */
final class ZoneMatch {
  private ZoneMatch() {}

  /** The zone whose name is {@code fqdn} or its longest suffix on a label boundary. */
  static Optional<Zone> longestSuffix(List<Zone> zones, String fqdn) {
    String name = normalize(fqdn);
    return zones.stream()
        .filter(z -> z.name() != null && !z.name().isBlank())
        .filter(z -> {
          String zn = normalize(z.name());
          return name.equals(zn) || name.endsWith("." + zn);
        })
        .max(Comparator.comparingInt(z -> normalize(z.name()).length()));
  }

  /** {@code _acme-challenge.www} for {@code _acme-challenge.www.example.com} in {@code example.com}; apex is "". */
  static String relativeName(String fqdn, String zone) {
    String name = normalize(fqdn);
    String zn = normalize(zone);
    if (name.equals(zn)) {
      return "";
    }
    if (!name.endsWith("." + zn)) {
      throw new IllegalArgumentException(fqdn + " is not inside zone " + zone);
    }
    return name.substring(0, name.length() - zn.length() - 1);
  }

  /** Lower case, without the trailing dot of an absolute name. */
  static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
