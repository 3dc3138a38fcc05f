package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.x509.Fingerprints;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A stateful stand-in for the parts of the DigitalOcean API the targets use: certificates, load
 * balancers and CDN endpoints, behaving as the real one does where it matters. An LB PUT that would
 * reset a setting (anything not sent) is refused with 422; deleting a certificate in use, and for
 * {@link #releaseLag} attempts after it was detached, answers 403; CDN endpoints allow 5 requests per
 * 10 s (on the fake clock) and answer 429 beyond; failures are injected on demand. Thread-safe. Public (in
 * the test-jar) for the agent's end-to-end test.
 */
public final class FakeDigitalOcean extends Dispatcher {
  private static final Pattern CERT = Pattern.compile("/v2/certificates/([^/]+)");
  private static final Pattern LB = Pattern.compile("/v2/load_balancers/([^/]+)");
  private static final Pattern CDN = Pattern.compile("/v2/cdn/endpoints/([^/]+)");
  private static final Set<String> LB_READ_ONLY = Set.of("id", "ip", "ipv6", "status", "created_at", "tags");

  public final ObjectMapper json = new ObjectMapper();
  private final String token;
  private final Clock time;
  public final Map<String, ObjectNode> certificates = new LinkedHashMap<>();
  public final Map<String, ObjectNode> loadBalancers = new LinkedHashMap<>();
  public final Map<String, ObjectNode> cdnEndpoints = new LinkedHashMap<>();
  public final Map<String, ObjectNode> droplets = new LinkedHashMap<>();
  /** {@code status} of the account {@code GET /v2/account} reports ({@code active}, {@code warning}, {@code locked}). */
  public String accountStatus = "active";
  private final Map<String, Integer> notYetActive = new HashMap<>();
  private final Map<String, Integer> stillLooksUsed = new HashMap<>();
  private final Deque<Injected> injected = new ArrayDeque<>();
  private final Deque<Instant> cdnCalls = new ArrayDeque<>();
  /** What each upload carried, by certificate id: {@code leaf_certificate}, {@code private_key}, {@code certificate_chain}. */
  public final Map<String, JsonNode> uploads = new LinkedHashMap<>();
  public final List<String> calls = new ArrayList<>();
  public int releaseLag = 2;
  public int activeAfterGets = 2;
  public int cdnRateLimited;
  public int pageSize = 200;

  private record Injected(String method, String pathPrefix, MockResponse response) {}

  /** @param time the fake's clock: certificate dates and the CDN rate limit (a FakeTime, or the system clock) */
  public FakeDigitalOcean(String token, Clock time) {
    this.token = token;
    this.time = time;
  }

  /** Answers the next {@code times} requests matching method and path prefix with this response. */
  public synchronized void inject(String method, String pathPrefix, int times, MockResponse response) {
    for (int i = 0; i < times; i++) {
      injected.add(new Injected(method, pathPrefix, response));
    }
  }

  /** DigitalOcean has caught up: certificates detached earlier no longer look in use. */
  public synchronized void lagOver() { stillLooksUsed.clear(); }

  public synchronized long count(String methodAndPathPrefix) {
    return calls.stream().filter(c -> c.startsWith(methodAndPathPrefix)).count();
  }

  public ObjectNode addLoadBalancer(String id, String tag, ArrayNode rules) {
    ObjectNode lb = json.createObjectNode();
    lb.put("id", id).put("name", "mastodon-lb").put("ip", "203.0.113.10").put("ipv6", "2001:db8::10")
        .put("size_unit", 2).put("size", "lb-small").put("status", "active").put("created_at", "2025-01-01T00:00:00Z")
        .put("algorithm", "round_robin").put("redirect_http_to_https", true).put("enable_proxy_protocol", true)
        .put("enable_backend_keepalive", true).put("http_idle_timeout_seconds", 90)
        .put("vpc_uuid", "c33931f2-a26a-4e61-b85c-4e95a2ec431b").put("project_id", "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30")
        .put("disable_lets_encrypt_dns_records", true).put("network", "EXTERNAL").put("network_stack", "DUALSTACK")
        .put("type", "REGIONAL").put("tls_cipher_policy", "STRONG");
    lb.putObject("region").put("slug", "ams3").put("name", "Amsterdam 3").put("available", true);
    lb.putObject("health_check").put("protocol", "http").put("port", 80).put("path", "/health")
        .put("check_interval_seconds", 10).put("response_timeout_seconds", 5).put("healthy_threshold", 5)
        .put("unhealthy_threshold", 3);
    lb.putObject("sticky_sessions").put("type", "cookies").put("cookie_name", "DO-LB").put("cookie_ttl_seconds", 300);
    lb.putObject("firewall").putArray("deny").add("cidr:198.51.100.0/24");
    lb.set("forwarding_rules", rules);
    if (tag != null) {
      lb.put("tag", tag);
      lb.putArray("droplet_ids").add(3164444).add(3164445);
    } else {
      lb.put("tag", "");
      lb.putArray("droplet_ids").add(3164444).add(3164445);
    }
    lb.putArray("tags");
    synchronized (this) {
      loadBalancers.put(id, lb);
    }
    return lb;
  }

  public ObjectNode addCdnEndpoint(String id, String customDomain, String certificateId) {
    ObjectNode e = json.createObjectNode().put("id", id).put("origin", "media.ams3.digitaloceanspaces.com")
        .put("endpoint", "media.ams3.cdn.digitaloceanspaces.com").put("ttl", 86400)
        .put("created_at", "2025-01-01T00:00:00Z");
    if (customDomain != null) {
      e.put("custom_domain", customDomain);
    }
    if (certificateId != null) {
      e.put("certificate_id", certificateId);
    }
    synchronized (this) {
      cdnEndpoints.put(id, e);
    }
    return e;
  }

  /**
   * A droplet with a private (VPC) and a public IPv4 address, tagged {@code tag}; {@code status} {@code new} while
   * it boots, then {@code active}. Either address may be null.
   */
  public ObjectNode addDroplet(long id, String name, String tag, String privateIp, String publicIp, String status) {
    ObjectNode d = json.createObjectNode().put("id", id).put("name", name).put("memory", 2048).put("vcpus", 2)
        .put("disk", 50).put("locked", false).put("status", status).put("created_at", time.instant().toString());
    ObjectNode networks = d.putObject("networks");
    ArrayNode v4 = networks.putArray("v4");
    if (privateIp != null) {
      v4.addObject().put("ip_address", privateIp).put("netmask", "255.255.240.0").put("gateway", "").put("type", "private");
    }
    if (publicIp != null) {
      v4.addObject().put("ip_address", publicIp).put("netmask", "255.255.240.0").put("gateway", "203.0.113.1")
          .put("type", "public");
    }
    networks.putArray("v6");
    d.putArray("tags").add(tag);
    d.putObject("region").put("slug", "ams3");
    synchronized (this) {
      droplets.put(Long.toString(id), d);
    }
    return d;
  }

  public synchronized void removeDroplet(long id) { droplets.remove(Long.toString(id)); }

  public ObjectNode addCertificate(String name, String type, String sha1) {
    String id = UUID.randomUUID().toString();
    ObjectNode c = json.createObjectNode().put("id", id).put("name", name).put("type", type)
        .put("sha1_fingerprint", sha1).put("not_after", "2027-01-01T00:00:00Z").put("state", "verified")
        .put("created_at", time.instant().toString());
    c.putArray("dns_names").add("social.example.org");
    synchronized (this) {
      certificates.put(id, c);
    }
    return c;
  }

  @Override
  public synchronized MockResponse dispatch(RecordedRequest r) {
    String method = r.getMethod();
    String path = r.getUrl().encodedPath();
    calls.add(method + " " + path);
    if (!("Bearer " + token).equals(r.getHeaders().get("Authorization"))) {
      return error(401, "unauthorized", "Unable to authenticate you");
    }
    for (Iterator<Injected> it = injected.iterator(); it.hasNext(); ) {
      Injected i = it.next();
      if (i.method.equals(method) && path.startsWith(i.pathPrefix)) {
        it.remove();
        return i.response;
      }
    }
    if (path.startsWith("/v2/cdn/") && !cdnAllowed()) {
      cdnRateLimited++;
      return new MockResponse.Builder().code(429).setHeader("Retry-After", "10")
          .setHeader("Content-Type", "application/json")
          .body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}").build();
    }
    try {
      return route(method, path, r);
    } catch (Exception e) {
      return error(500, "server_error", "fake failed: " + e);
    }
  }

  private boolean cdnAllowed() {
    Instant now = time.instant();
    while (!cdnCalls.isEmpty() && !cdnCalls.peekFirst().plus(Duration.ofSeconds(10)).isAfter(now)) {
      cdnCalls.removeFirst();
    }
    if (cdnCalls.size() >= 5) {
      return false;
    }
    cdnCalls.addLast(now);
    return true;
  }

  private MockResponse route(String method, String path, RecordedRequest r) throws Exception {
    Matcher m;
    if (path.equals("/v2/certificates")) {
      return method.equals("GET") ? page("certificates", new ArrayList<>(certificates.values()), r) : createCertificate(r);
    }
    if ((m = CERT.matcher(path)).matches()) {
      ObjectNode c = certificates.get(m.group(1));
      if (c == null) {
        return error(404, "not_found", "The resource you were accessing could not be found.");
      }
      if (method.equals("GET")) {
        return ok(200, json.createObjectNode().set("certificate", c));
      }
      return deleteCertificate(m.group(1));
    }
    if (path.equals("/v2/load_balancers")) {
      return page("load_balancers", new ArrayList<>(loadBalancers.values()), r);
    }
    if ((m = LB.matcher(path)).matches()) {
      ObjectNode lb = loadBalancers.get(m.group(1));
      if (lb == null) {
        return error(404, "not_found", "The resource you were accessing could not be found.");
      }
      if (method.equals("GET")) {
        int left = notYetActive.getOrDefault(lb.get("id").asText(), 0);
        lb.put("status", left > 0 ? "new" : "active");
        notYetActive.put(lb.get("id").asText(), Math.max(0, left - 1));
        return ok(200, json.createObjectNode().set("load_balancer", lb));
      }
      return updateLoadBalancer(lb, (ObjectNode) json.readTree(r.getBody().utf8()));
    }
    if (path.equals("/v2/account") && method.equals("GET")) {
      return ok(200, json.createObjectNode().set("account", json.createObjectNode().put("droplet_limit", 25)
          .put("floating_ip_limit", 5).put("email", "ops@example.org").put("uuid", "b6fr89dbf6d9156cace5f3c78dc9851d957381ef")
          .put("email_verified", true).put("status", accountStatus).put("status_message", "")));
    }
    if (path.equals("/v2/droplets") && method.equals("GET")) {
      return listDroplets(r);
    }
    if (path.equals("/v2/cdn/endpoints")) {
      return page("endpoints", new ArrayList<>(cdnEndpoints.values()), r);
    }
    if ((m = CDN.matcher(path)).matches()) {
      ObjectNode e = cdnEndpoints.get(m.group(1));
      if (e == null) {
        return error(404, "not_found", "The resource you were accessing could not be found.");
      }
      if (method.equals("GET")) {
        return ok(200, json.createObjectNode().set("endpoint", e));
      }
      return updateCdn(e, (ObjectNode) json.readTree(r.getBody().utf8()));
    }
    return error(404, "not_found", "no such route in the fake: " + method + " " + path);
  }

  /**
   * {@code GET /v2/droplets}, which the trimmed OpenAPI file does not hold: the query is checked here against
   * DigitalOcean's documentation instead (tag_name, name, type, page, per_page from 1 to 200; tag_name and name
   * exclusive), and an unknown or malformed parameter is a 400 the test sees.
   */
  private MockResponse listDroplets(RecordedRequest r) {
    Set<String> known = Set.of("tag_name", "name", "type", "page", "per_page");
    for (String q : r.getUrl().queryParameterNames()) {
      if (!known.contains(q)) {
        return error(400, "bad_request", "fake: GET /v2/droplets takes no parameter " + q);
      }
    }
    String perPage = r.getUrl().queryParameter("per_page");
    if (perPage != null && (!perPage.matches("\\d+") || Integer.parseInt(perPage) < 1 || Integer.parseInt(perPage) > 200)) {
      return error(400, "bad_request", "fake: per_page must be 1-200, got " + perPage);
    }
    String tag = r.getUrl().queryParameter("tag_name");
    if (tag != null && r.getUrl().queryParameter("name") != null) {
      return error(400, "bad_request", "fake: tag_name and name cannot be combined");
    }
    List<ObjectNode> all = new ArrayList<>();
    for (ObjectNode d : droplets.values()) {
      boolean tagged = false;
      for (JsonNode t : d.path("tags")) {
        tagged |= t.asText().equals(tag);
      }
      if (tag == null || tagged) {
        all.add(d);
      }
    }
    return page("droplets", all, r);
  }

  private MockResponse createCertificate(RecordedRequest r) throws Exception {
    JsonNode body = json.readTree(r.getBody().utf8());
    String name = body.path("name").asText();
    if (certificates.values().stream().anyMatch(c -> c.get("name").asText().equals(name))) {
      return error(422, "unprocessable_entity", "name is already in use");
    }
    X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
        new ByteArrayInputStream(body.path("leaf_certificate").asText().getBytes(StandardCharsets.US_ASCII)));
    if (!body.path("private_key").asText().startsWith("-----BEGIN PRIVATE KEY-----")) {
      return error(422, "unprocessable_entity", "private_key is not a PEM private key");
    }
    ObjectNode c = addCertificate(name, "custom", Fingerprints.sha1(leaf));
    c.put("not_after", leaf.getNotAfter().toInstant().toString());
    uploads.put(c.get("id").asText(), body);
    return ok(201, json.createObjectNode().set("certificate", c));
  }

  private MockResponse deleteCertificate(String id) {
    if (usedIds().contains(id)) {
      return error(403, "forbidden", "Make sure the certificate is not in use before deleting it.");
    }
    int lag = stillLooksUsed.getOrDefault(id, 0);
    if (lag > 0) {
      stillLooksUsed.put(id, lag - 1);
      return error(403, "forbidden", "Make sure the certificate is not in use before deleting it.");
    }
    certificates.remove(id);
    return new MockResponse.Builder().code(204).build();
  }

  private Set<String> usedIds() {
    Set<String> used = new HashSet<>();
    loadBalancers.values().forEach(lb -> lb.path("forwarding_rules").forEach(rule -> {
      if (rule.hasNonNull("certificate_id") && !rule.get("certificate_id").asText().isEmpty()) {
        used.add(rule.get("certificate_id").asText());
      }
    }));
    cdnEndpoints.values().forEach(e -> {
      if (e.hasNonNull("certificate_id")) {
        used.add(e.get("certificate_id").asText());
      }
    });
    return used;
  }

  /** Refuses a body that would reset or change anything but the rules' certificates. */
  private MockResponse updateLoadBalancer(ObjectNode lb, ObjectNode body) {
    if (!body.path("region").isTextual() || !body.get("region").asText().equals(lb.path("region").path("slug").asText())) {
      return error(422, "unprocessable_entity", "region must be the load balancer's region slug");
    }
    if (body.has("size") && lb.path("size_unit").asInt() > 0) {
      return error(422, "unprocessable_entity", "size and size_unit are mutually exclusive; use size_unit");
    }
    boolean byTag = !lb.path("tag").asText().isEmpty();
    if (byTag ? body.has("droplet_ids") || !body.path("tag").equals(lb.get("tag"))
        : body.has("tag") || !body.path("droplet_ids").equals(lb.get("droplet_ids"))) {
      return error(422, "unprocessable_entity", "specify either droplet_ids or tag, matching the load balancer");
    }
    for (String f : List.of("network", "network_stack")) {
      if (body.has(f) && !body.get(f).equals(lb.get(f))) {
        return error(422, "unprocessable_entity", f + " cannot be changed");
      }
    }
    Iterator<String> names = lb.fieldNames();
    while (names.hasNext()) {
      String f = names.next();
      if (LB_READ_ONLY.contains(f) || Set.of("region", "size", "tag", "droplet_ids", "forwarding_rules", "network",
          "network_stack").contains(f)) {
        continue;
      }
      if (!lb.get(f).equals(body.get(f))) {
        return error(422, "unprocessable_entity", "field '" + f + "' would be reset to its default");
      }
    }
    JsonNode newRules = body.path("forwarding_rules");
    JsonNode oldRules = lb.path("forwarding_rules");
    if (newRules.size() != oldRules.size()) {
      return error(422, "unprocessable_entity", "forwarding_rules would change");
    }
    for (int i = 0; i < oldRules.size(); i++) {
      ObjectNode a = oldRules.get(i).deepCopy();
      ObjectNode b = newRules.get(i).deepCopy();
      a.remove("certificate_id");
      b.remove("certificate_id");
      if (!a.equals(b)) {
        return error(422, "unprocessable_entity", "forwarding rule " + i + " would change beyond its certificate");
      }
      String cert = newRules.get(i).path("certificate_id").asText("");
      if (!cert.isEmpty() && !certificates.containsKey(cert)) {
        return error(422, "unprocessable_entity", "certificate " + cert + " does not exist");
      }
    }
    Set<String> before = usedIds();
    lb.set("forwarding_rules", newRules.deepCopy());
    Set<String> after = usedIds();
    before.stream().filter(id -> !after.contains(id)).forEach(id -> stillLooksUsed.put(id, releaseLag));
    notYetActive.put(lb.get("id").asText(), activeAfterGets);
    lb.put("status", "new");
    return ok(200, json.createObjectNode().set("load_balancer", lb));
  }

  private MockResponse updateCdn(ObjectNode e, ObjectNode body) {
    String cert = body.path("certificate_id").asText("");
    if (!cert.isEmpty() && !certificates.containsKey(cert)) {
      return error(422, "unprocessable_entity", "certificate " + cert + " does not exist");
    }
    Set<String> before = usedIds();
    body.fields().forEachRemaining(f -> e.set(f.getKey(), f.getValue()));
    if (!body.has("ttl")) {
      e.put("ttl", 3600);
    }
    Set<String> after = usedIds();
    before.stream().filter(id -> !after.contains(id)).forEach(id -> stillLooksUsed.put(id, releaseLag));
    return ok(200, json.createObjectNode().set("endpoint", e));
  }

  private MockResponse page(String field, List<ObjectNode> all, RecordedRequest r) {
    int perPage = Math.min(pageSize, Integer.parseInt(orElse(r.getUrl().queryParameter("per_page"), "20")));
    int page = Integer.parseInt(orElse(r.getUrl().queryParameter("page"), "1"));
    int from = Math.min(all.size(), (page - 1) * perPage);
    int to = Math.min(all.size(), from + perPage);
    ObjectNode out = json.createObjectNode();
    ArrayNode items = out.putArray(field);
    all.subList(from, to).forEach(items::add);
    ObjectNode pages = out.putObject("links").putObject("pages");
    if (to < all.size()) {
      pages.put("next", "https://api.digitalocean.com/v2/" + field + "?page=" + (page + 1) + "&per_page=" + perPage);
    }
    out.putObject("meta").put("total", all.size());
    return ok(200, out);
  }

  private static String orElse(String v, String d) { return v == null ? d : v; }

  private MockResponse ok(int code, JsonNode body) {
    return withRateHeaders(new MockResponse.Builder().code(code)).setHeader("Content-Type", "application/json")
        .body(body.toString()).build();
  }

  private MockResponse error(int code, String id, String message) {
    return withRateHeaders(new MockResponse.Builder().code(code)).setHeader("Content-Type", "application/json")
        .body(json.createObjectNode().put("id", id).put("message", message).toString()).build();
  }

  private MockResponse.Builder withRateHeaders(MockResponse.Builder b) {
    return b.setHeader("ratelimit-limit", "250").setHeader("ratelimit-remaining", "200")
        .setHeader("ratelimit-reset", time.instant().plusSeconds(60).getEpochSecond());
  }
}
