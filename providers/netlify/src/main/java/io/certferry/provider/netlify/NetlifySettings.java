package io.certferry.provider.netlify;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The config block of a {@code netlify} target.
 *
 * <pre>
 * - id: netlify-docs
 *   type: netlify
 *   token: ${env:NETLIFY_TOKEN}       # personal access token
 *   siteId: 3970e0fe-8564-4903-9a55-c5f8de49fb8b   # or the site's name, e.g. docs-example
 *   verify: true                      # TLS handshake after deploy (default true)
 *   verifyHost: docs.example.org      # optional; default: the site's custom domain
 *   verifyPort: 443
 *   serverName: docs.example.org      # optional SNI; default: verifyHost
 * </pre>
 */
record NetlifySettings(String id, String tokenReference, String apiUrl, String siteId, boolean verify,
                       String verifyHost, int verifyPort, String serverName) {
  static final String DEFAULT_API = "https://api.netlify.com/api/v1";
  private static final Pattern SITE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,99}");

  static List<String> problems(JsonNode s) {
    List<String> out = new ArrayList<>();
    String where = "target " + text(s, "id").orElse("(no id)");
    if (text(s, "id").isEmpty()) {
      out.add("target: setting 'id' is missing; give the target a unique name, e.g. id: netlify-docs");
    }
    Secrets.referenceProblem(where, "token", text(s, "token").orElse(null), "NETLIFY_TOKEN", "netlify.token")
        .ifPresent(out::add);
    Optional<String> site = text(s, "siteId");
    if (site.isEmpty()) {
      out.add(where + ": setting 'siteId' is missing; the site's API ID from Site configuration > General > Site details");
    } else if (!SITE.matcher(site.get()).matches()) {
      out.add(where + ": setting 'siteId' is not a site id or name, got '" + site.get() + "'");
    }
    text(s, "apiUrl").filter(u -> !u.startsWith("https://") && !u.startsWith("http://"))
        .ifPresent(u -> out.add(where + ": setting 'apiUrl' must be an http(s) URL, got '" + u + "'"));
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

  static NetlifySettings parse(JsonNode s) {
    List<String> problems = problems(s);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new NetlifySettings(text(s, "id").orElseThrow(), text(s, "token").orElseThrow(),
        text(s, "apiUrl").orElse(DEFAULT_API), text(s, "siteId").orElseThrow(),
        !s.has("verify") || s.get("verify").asBoolean(), text(s, "verifyHost").orElse(null),
        s.has("verifyPort") ? s.get("verifyPort").asInt() : 443, text(s, "serverName").orElse(null));
  }

  private static Optional<String> text(JsonNode s, String key) {
    JsonNode n = s == null ? null : s.get(key);
    return n == null || n.isNull() || n.asText().isBlank() ? Optional.empty() : Optional.of(n.asText().trim());
  }
}
