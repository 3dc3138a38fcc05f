package io.certferry.core.store;

import java.util.List;
import java.util.Map;

/**
 * What is managed under a name ({@code spec.json}): the names the certificate must cover, where it
 * comes from ({@code acme}, {@code imported}, {@code local}), the key type, the issuer's options
 * (server, account, challenge, profile, renewBefore, reuseKey...) and the ids of its targets.
 */
public record LineageSpec(String name, List<String> domains, String source, String keyType,
                          Map<String, String> options, List<String> targets) {
  public LineageSpec {
    domains = List.copyOf(domains);
    options = options == null ? Map.of() : Map.copyOf(options);
    targets = targets == null ? List.of() : List.copyOf(targets);
  }
}
