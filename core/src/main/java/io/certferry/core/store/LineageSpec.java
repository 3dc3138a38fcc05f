package io.certferry.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * What is managed under a name ({@code spec.json}): the names the certificate must cover, where it
 * comes from ({@code acme}, {@code imported}, {@code local}), the key type, the engine's options
 * ({@code renewBefore}, {@code reuseKey}, {@code profile}, ...), the ids of its targets and, when the
 * lineage was set up from a config file or {@code certferry issue}, the issuer block it was set up with
 * (the same settings, by the same names, as the YAML's {@code issuer:}; secrets only as references), so
 * a later {@code certferry renew} can rebuild the issuer from the store alone.
 *
 * @param issuer the issuer settings block, or null (an embedding tool that passes its issuers in code)
 * @since 0.1
 */
public record LineageSpec(String name, List<String> domains, String source, String keyType,
                          Map<String, String> options, List<String> targets, ObjectNode issuer) {
  public LineageSpec {
    domains = List.copyOf(domains);
    options = options == null ? Map.of() : Map.copyOf(options);
    targets = targets == null ? List.of() : List.copyOf(targets);
    issuer = issuer == null ? null : issuer.deepCopy();
  }

  /** A spec without an issuer block. */
  public LineageSpec(String name, List<String> domains, String source, String keyType, Map<String, String> options,
                     List<String> targets) {
    this(name, domains, source, keyType, options, targets, null);
  }

  @Override
  public ObjectNode issuer() { return issuer == null ? null : issuer.deepCopy(); }
}
