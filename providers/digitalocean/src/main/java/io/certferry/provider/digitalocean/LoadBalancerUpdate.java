package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/**
 * Turns a load balancer as {@code GET /v2/load_balancers/{id}} returns it into the body of
 * {@code PUT /v2/load_balancers/{id}}, changing only the certificate of the chosen forwarding rules.
 *
 * <p>The PUT replaces the whole load balancer and resets whatever is not sent, so the body carries every
 * field of the fresh GET, converted the way DigitalOcean's own clients do it: godo's
 * {@code LoadBalancer.AsRequest()} (region object to its slug; every setting copied) and
 * terraform-provider-digitalocean's {@code buildLoadBalancerRequest} ({@code size_unit} when set, else the
 * legacy {@code size}; {@code tag} when set, else {@code droplet_ids}, never both, as the API's create/update
 * schema is a oneOf of the two). {@code network} and {@code network_stack} are never sent: they are fixed
 * at creation, and only terraform's explicit {@code network_type} ever sends them. Read-only fields
 * ({@code id}, {@code ip}, {@code ipv6}, {@code status}, {@code created_at}) and {@code tags} (create-only
 * in godo) are dropped.
 */
final class LoadBalancerUpdate {
  private static final Set<String> READ_ONLY = Set.of("id", "ip", "ipv6", "status", "created_at", "tags");
  private static final Set<String> NEVER_SENT = Set.of("network", "network_stack");
  /** Entry protocols that terminate TLS at the load balancer and so carry a certificate. */
  static final Set<String> TLS_PROTOCOLS = Set.of("https", "http2", "http3");

  private LoadBalancerUpdate() {}

  /** Whether a rule is one this target manages: TLS-terminating, and on a configured entry port if any. */
  static boolean selected(JsonNode rule, List<Integer> entryPorts) {
    if (!TLS_PROTOCOLS.contains(rule.path("entry_protocol").asText()) || rule.path("tls_passthrough").asBoolean(false)) {
      return false;
    }
    return entryPorts.isEmpty() || entryPorts.contains(rule.path("entry_port").asInt());
  }

  /** The update body: the load balancer as it is, with the selected rules pointing at {@code certificateId}. */
  static ObjectNode body(JsonNode lb, List<Integer> entryPorts, String certificateId) {
    ObjectNode body = lb.deepCopy();
    READ_ONLY.forEach(body::remove);
    NEVER_SENT.forEach(body::remove);
    JsonNode region = lb.get("region");
    if (region != null && region.isObject()) {
      body.put("region", region.path("slug").asText());
    }
    if (lb.path("size_unit").asInt(0) > 0) {
      body.remove("size");
    } else {
      body.remove("size_unit");
    }
    if (!lb.path("tag").asText("").isEmpty()) {
      body.remove("droplet_ids");
    } else {
      body.remove("tag");
      if (!body.has("droplet_ids") || body.get("droplet_ids").isNull()) {
        body.putArray("droplet_ids");
      }
    }
    ArrayNode rules = body.withArray("forwarding_rules");
    for (JsonNode r : rules) {
      if (selected(r, entryPorts)) {
        ((ObjectNode) r).put("certificate_id", certificateId);
      }
    }
    return body;
  }
}
