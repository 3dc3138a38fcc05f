package io.certferry.core.internal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.store.LineageSpec;

import java.util.Map;
import java.util.Optional;

/**
 * The issuer block of a lineage set up by an older Certferry, whose {@code spec.json} kept flat options
 * ({@code eabKid}, {@code httpPort}, {@code dns.token}, ...) instead of the block: the same settings under
 * the names every door now uses, so such a lineage renews without being set up again.
 *
 * @since 0.1
 */
public final class LegacySpecs {
  private LegacySpecs() {}

  /**
   * The block for a spec without one, for {@code acme} and {@code local} lineages; empty for {@code imported}.
   *
   * @since 0.1
   */
  public static Optional<ObjectNode> block(LineageSpec spec) {
    if (spec.issuer() != null) {
      return Optional.of(spec.issuer());
    }
    if (!spec.source().equals("acme") && !spec.source().equals("local")) {
      return Optional.empty();
    }
    Map<String, String> o = spec.options();
    ObjectNode b = JsonNodeFactory.instance.objectNode().put("type", spec.source()).put("keyType", spec.keyType());
    copy(o, "renewBefore", b, "renewBefore");
    if (Boolean.parseBoolean(o.getOrDefault("reuseKey", "false"))) {
      b.put("reuseKey", true);
    }
    if (spec.source().equals("local")) {
      copy(o, "lifetime", b, "lifetime");
      return Optional.of(b);
    }
    for (String k : new String[] {"server", "serverCa", "account", "email", "challenge", "profile"}) {
      copy(o, k, b, k);
    }
    if (Boolean.parseBoolean(o.getOrDefault("agreeTos", "false"))) {
      b.put("agreeTos", true);
    }
    if (o.containsKey("eabKid") || o.containsKey("eabHmacRef")) {
      ObjectNode eab = b.putObject("eab");
      copy(o, "eabKid", eab, "keyId");
      copy(o, "eabHmacRef", eab, "hmacKey");
    }
    if (o.containsKey("httpPort") || o.containsKey("httpAddress") || o.containsKey("webroot")) {
      ObjectNode http = b.putObject("http");
      if (o.containsKey("httpPort") && o.get("httpPort").matches("\\d{1,5}")) {
        http.put("port", Integer.parseInt(o.get("httpPort")));
      }
      copy(o, "httpAddress", http, "address");
      copy(o, "webroot", http, "webroot");
    }
    if (o.containsKey("dnsProvider")) {
      ObjectNode dns = b.putObject("dnsProvider").put("type", o.get("dnsProvider"));
      o.forEach((k, v) -> {
        if (k.startsWith("dns.")) {
          dns.put(k.substring(4), v);
        }
      });
    }
    if (o.containsKey("dnsResolvers")) {
      for (String r : o.get("dnsResolvers").split(",")) {
        if (!r.isBlank()) {
          b.withArray("propagationServers").add(r.trim());
        }
      }
    }
    if (o.containsKey("dnsTimeoutSeconds")) {
      b.put("propagationTimeout", o.get("dnsTimeoutSeconds") + "s");
    }
    return Optional.of(b);
  }

  private static void copy(Map<String, String> from, String key, ObjectNode to, String as) {
    String v = from.get(key);
    if (v != null && !v.isBlank()) {
      to.put(as, v);
    }
  }
}
