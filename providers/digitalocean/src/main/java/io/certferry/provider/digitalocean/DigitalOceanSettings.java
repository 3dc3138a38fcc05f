package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The config block of a {@code digitalocean-lb} or {@code digitalocean-cdn} target.
 *
 * <pre>
 * - id: do-lb-main
 *   type: digitalocean-lb
 *   token: ${env:DIGITALOCEAN_TOKEN}
 *   loadBalancerId: 4de7ac8b-495b-4884-9a69-1050c6793cd6
 *   entryPorts: [443]          # optional; default: every https/http2/http3 rule
 *   lineage: mastodon          # optional; default: the certificate's first name
 *   verify: true               # TLS handshake after deploy (default true)
 *   verifyHost: social.example.org   # optional; default: first name of the certificate
 *   verifyPort: 443
 *   serverName: social.example.org   # optional SNI; default: verifyHost
 * </pre>
 */
record DigitalOceanSettings(String id, String tokenReference, String apiUrl, String lineage,
                            String loadBalancerId, List<Integer> entryPorts, String endpointId,
                            String customDomain, boolean verify, String verifyHost, int verifyPort,
                            String serverName, int activeTimeoutSeconds) {
  static final String DEFAULT_API = "https://api.digitalocean.com";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");
  private static final Pattern LINEAGE = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

  enum Kind { LOAD_BALANCER, CDN }

  /** Every problem with the block, one message each, naming the setting. */
  static List<String> problems(JsonNode s, Kind kind) {
    List<String> out = new ArrayList<>();
    String where = "target " + text(s, "id").orElse("(no id)");
    if (text(s, "id").isEmpty()) {
      out.add("target: setting 'id' is missing; give the target a unique name, e.g. id: do-lb-main");
    }
    Secrets.referenceProblem(where, "token", text(s, "token").orElse(null), "DIGITALOCEAN_TOKEN", "do.token")
        .ifPresent(out::add);
    text(s, "apiUrl").filter(u -> !u.startsWith("https://") && !u.startsWith("http://"))
        .ifPresent(u -> out.add(where + ": setting 'apiUrl' must be an http(s) URL, got '" + u + "'"));
    text(s, "lineage").filter(l -> !LINEAGE.matcher(l).matches()).ifPresent(l -> out.add(where
        + ": setting 'lineage' must be 1-40 lower-case letters, digits or '-', got '" + l + "'"));
    if (kind == Kind.LOAD_BALANCER) {
      requireId(s, "loadBalancerId", where, "the load balancer's UUID from `doctl compute load-balancer list`", out);
      JsonNode ports = s.get("entryPorts");
      if (ports != null && !ports.isNull()) {
        if (!ports.isArray() || ports.isEmpty()) {
          out.add(where + ": setting 'entryPorts' must be a non-empty list of ports, e.g. [443]");
        } else {
          ports.forEach(p -> {
            if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535) {
              out.add(where + ": setting 'entryPorts' holds '" + p.asText() + "', which is not a port (1-65535)");
            }
          });
        }
      }
    } else {
      requireId(s, "endpointId", where, "the CDN endpoint's UUID from `doctl compute cdn list`", out);
      if (text(s, "customDomain").isEmpty()) {
        out.add(where + ": setting 'customDomain' is missing; the CDN endpoint's custom domain, e.g. media.example.org");
      }
    }
    JsonNode port = s.get("verifyPort");
    if (port != null && (!port.canConvertToInt() || port.asInt() < 1 || port.asInt() > 65535)) {
      out.add(where + ": setting 'verifyPort' must be a port (1-65535), got '" + port.asText() + "'");
    }
    JsonNode verify = s.get("verify");
    if (verify != null && !verify.isBoolean()) {
      out.add(where + ": setting 'verify' must be true or false");
    }
    return out;
  }

  static DigitalOceanSettings parse(JsonNode s, Kind kind) {
    List<String> problems = problems(s, kind);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    List<Integer> ports = new ArrayList<>();
    JsonNode p = s.get("entryPorts");
    if (p != null && p.isArray()) {
      p.forEach(n -> ports.add(n.asInt()));
    }
    return new DigitalOceanSettings(text(s, "id").orElseThrow(), text(s, "token").orElseThrow(),
        text(s, "apiUrl").orElse(DEFAULT_API), text(s, "lineage").orElse(null),
        text(s, "loadBalancerId").orElse(null), List.copyOf(ports), text(s, "endpointId").orElse(null),
        text(s, "customDomain").map(d -> d.toLowerCase(Locale.ROOT)).orElse(null),
        !s.has("verify") || s.get("verify").asBoolean(), text(s, "verifyHost").orElse(null),
        s.has("verifyPort") ? s.get("verifyPort").asInt() : 443, text(s, "serverName").orElse(null),
        s.has("activeTimeoutSeconds") ? s.get("activeTimeoutSeconds").asInt() : 300);
  }

  private static void requireId(JsonNode s, String key, String where, String hint, List<String> out) {
    Optional<String> v = text(s, key);
    if (v.isEmpty()) {
      out.add(where + ": setting '" + key + "' is missing; " + hint);
    } else if (!ID.matcher(v.get()).matches()) {
      out.add(where + ": setting '" + key + "' is not an id (letters, digits, '-'), got '" + v.get() + "'");
    }
  }

  static Optional<String> text(JsonNode s, String key) {
    JsonNode n = s == null ? null : s.get(key);
    return n == null || n.isNull() || n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText().trim());
  }
}
