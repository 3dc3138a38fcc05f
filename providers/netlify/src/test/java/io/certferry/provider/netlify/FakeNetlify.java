package io.certferry.provider.netlify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A stateful stand-in for Netlify's site and certificate endpoints under {@code /api/v1}: sites with or
 * without a custom domain, the certificate each serves, Netlify's 401/404/422 answers, and failures
 * injected on demand. Thread-safe. Public (in the test-jar) for the agent's end-to-end test.
 */
public final class FakeNetlify extends Dispatcher {
  private static final Pattern SSL = Pattern.compile("/api/v1/sites/([^/]+)/ssl");
  private static final Pattern SITE = Pattern.compile("/api/v1/sites/([^/]+)");

  private final ObjectMapper json = new ObjectMapper();
  private final String token;
  public final Map<String, ObjectNode> sites = new LinkedHashMap<>();
  public final Map<String, X509Certificate> served = new LinkedHashMap<>();
  /** What the last accepted upload to each site carried: {@code certificate}, {@code key}, {@code ca_certificates}. */
  public final Map<String, Map<String, String>> uploads = new LinkedHashMap<>();
  public final List<String> calls = new ArrayList<>();
  private final Deque<MockResponse> injectedPosts = new ArrayDeque<>();

  public FakeNetlify(String token) { this.token = token; }

  public synchronized void addSite(String id, String customDomain) {
    ObjectNode s = json.createObjectNode().put("id", id).put("name", "docs-example").put("ssl", false);
    if (customDomain != null) {
      s.put("custom_domain", customDomain);
    } else {
      s.putNull("custom_domain");
    }
    sites.put(id, s);
  }

  public synchronized void injectPost(MockResponse r) { injectedPosts.add(r); }

  public synchronized long count(String prefix) { return calls.stream().filter(c -> c.startsWith(prefix)).count(); }

  @Override
  public synchronized MockResponse dispatch(RecordedRequest r) {
    String path = r.getUrl().encodedPath();
    calls.add(r.getMethod() + " " + path);
    if (!("Bearer " + token).equals(r.getHeaders().get("Authorization"))) {
      return error(401, "Access Denied: Invalid token");
    }
    Matcher m;
    if ((m = SSL.matcher(path)).matches()) {
      ObjectNode site = sites.get(m.group(1));
      if (site == null) {
        return error(404, "Not Found");
      }
      return r.getMethod().equals("POST") ? provision(m.group(1), site, r) : showSsl(m.group(1));
    }
    if ((m = SITE.matcher(path)).matches() && r.getMethod().equals("GET")) {
      ObjectNode site = sites.get(m.group(1));
      return site == null ? error(404, "Not Found") : ok(site);
    }
    return error(404, "Not Found");
  }

  private MockResponse provision(String id, ObjectNode site, RecordedRequest r) {
    if (!injectedPosts.isEmpty()) {
      return injectedPosts.removeFirst();
    }
    if (!site.hasNonNull("custom_domain")) {
      return error(422, "No custom domain configured");
    }
    String cert = r.getUrl().queryParameter("certificate");
    String key = r.getUrl().queryParameter("key");
    if (cert == null || key == null || !key.startsWith("-----BEGIN PRIVATE KEY-----")) {
      return error(422, "certificate parameter is required when updating an existing certificate");
    }
    try {
      X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(cert.getBytes(StandardCharsets.US_ASCII)));
      served.put(id, leaf);
      Map<String, String> upload = new LinkedHashMap<>();
      for (String p : List.of("certificate", "key", "ca_certificates")) {
        upload.put(p, r.getUrl().queryParameter(p));
      }
      uploads.put(id, upload);
      site.put("ssl", true);
      return ok(sslState(leaf));
    } catch (Exception e) {
      return error(422, "Could not parse certificate");
    }
  }

  private MockResponse showSsl(String id) {
    X509Certificate leaf = served.get(id);
    return leaf == null ? error(404, "Not Found") : ok(sslState(leaf));
  }

  private ObjectNode sslState(X509Certificate leaf) {
    ObjectNode s = json.createObjectNode().put("state", "custom")
        .put("created_at", "2026-01-01T00:00:00.000Z").put("updated_at", "2026-01-01T00:00:00.000Z")
        .put("expires_at", leaf.getNotAfter().toInstant().toString());
    ArrayNode d = s.putArray("domains");
    CertificateBundle.dnsNames(leaf).forEach(d::add);
    return s;
  }

  private MockResponse ok(ObjectNode body) {
    return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
        .setHeader("X-RateLimit-Limit", "500").setHeader("X-RateLimit-Remaining", "499")
        .setHeader("X-RateLimit-Reset", "1767225600").body(body.toString()).build();
  }

  private MockResponse error(int code, String message) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
        .body(json.createObjectNode().put("code", code).put("message", message).toString()).build();
  }
}
