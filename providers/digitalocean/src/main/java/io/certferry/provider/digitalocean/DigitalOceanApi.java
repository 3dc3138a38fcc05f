package io.certferry.provider.digitalocean;

import io.certferry.core.x509.PemWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.http.SharedReads;
import io.certferry.core.http.SlidingWindowLimiter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The DigitalOcean API calls the targets make, with errors turned into {@link DeployException}s that
 * say what to fix. Certificates: {@code /v2/certificates}; load balancers: {@code /v2/load_balancers};
 * CDN endpoints: {@code /v2/cdn/endpoints}, which DigitalOcean limits to 5 requests per 10 seconds; droplets by
 * tag: {@code /v2/droplets}.
 *
 * <p>Reads that only look (is this certificate served?) come from the account's {@link SharedReads}: the
 * certificate list, the load balancers and the CDN endpoints are each listed once a pass for every target
 * of the token, and what this process writes replaces its entry there. Reads before a write are fresh.
 * Work past the token's budget waits, unsent, and says until when ({@link DeployException#waiting}).
 */
final class DigitalOceanApi {
  private final HttpApi http;
  private final String tokenReference;
  private final SlidingWindowLimiter cdnLimiter;
  private final SharedReads reads;
  private final Map<String, Object> writeLocks;

  DigitalOceanApi(HttpApi http, String tokenReference, SlidingWindowLimiter cdnLimiter, SharedReads reads,
                  Map<String, Object> writeLocks) {
    this.http = http;
    this.tokenReference = tokenReference;
    this.cdnLimiter = cdnLimiter;
    this.reads = reads;
    this.writeLocks = writeLocks;
  }

  /** A pass begins: the shared lists are read again. */
  void passStarted(long pass) { reads.passStarted(pass); }

  /**
   * The lock a read-modify-write of one resource of the account holds ({@code lb/ID}): two lineages on one load
   * balancer update it one after the other, each from a fresh read, so neither undoes the other's rule.
   */
  Object writeLock(String resource) { return writeLocks.computeIfAbsent(resource, k -> new Object()); }

  /** The account's certificates by id, listed once a pass. */
  Map<String, JsonNode> sharedCertificates() throws DeployException {
    return reads.get("certificates", () -> byId(certificates()));
  }

  /** The account's load balancers by id, listed once a pass. */
  Map<String, JsonNode> sharedLoadBalancers() throws DeployException {
    return reads.get("load_balancers", () -> byId(loadBalancers()));
  }

  /** The account's CDN endpoints by id, listed once a pass (one request against their 5 per 10 s). */
  Map<String, JsonNode> sharedCdnEndpoints() throws DeployException {
    return reads.get("cdn_endpoints", () -> byId(cdnEndpoints()));
  }

  /** A load balancer as this pass's listing has it; one it lacks is read (and its 404 reported). */
  JsonNode sharedLoadBalancer(String id) throws DeployException {
    JsonNode lb = sharedLoadBalancers().get(id);
    return lb != null ? lb : loadBalancer(id);
  }

  /** A CDN endpoint as this pass's listing has it; one it lacks is read (and its 404 reported). */
  JsonNode sharedCdnEndpoint(String id) throws DeployException {
    JsonNode e = sharedCdnEndpoints().get(id);
    return e != null ? e : cdnEndpoint(id);
  }

  /** A write's answer replaces the resource in this pass's listing, if the pass listed it. */
  private void shared(String listing, String id, JsonNode now) {
    reads.<Map<String, JsonNode>>ifRead(listing).ifPresent(m -> m.put(id, now));
  }

  private static Map<String, JsonNode> byId(List<JsonNode> items) {
    Map<String, JsonNode> out = new ConcurrentHashMap<>();
    items.forEach(n -> out.put(n.path("id").asText(), n));
    return out;
  }

  /** The account the token belongs to ({@code GET /v2/account}): proves the token is accepted. */
  JsonNode account() throws DeployException {
    try {
      return http.get("/v2/account").get("account");
    } catch (HttpApiException e) {
      throw map(e, "read the account");
    }
  }

  /** Every certificate in the account (all pages). */
  List<JsonNode> certificates() throws DeployException {
    return pages("/v2/certificates", "certificates", "list the certificates");
  }

  JsonNode createCustomCertificate(String name, CertificateBundle bundle) throws DeployException {
    ObjectNode body = http.json().createObjectNode()
        .put("name", name)
        .put("type", "custom")
        .put("private_key", PemWriter.privateKey(bundle.privateKey()))
        .put("leaf_certificate", PemWriter.certificates(List.of(bundle.leaf())));
    if (!bundle.chain().isEmpty()) {
      body.put("certificate_chain", PemWriter.certificates(bundle.chain()));
    }
    try {
      JsonNode created = http.send(ApiRequest.post("/v2/certificates").body(body).secretFields("private_key").build())
          .json().get("certificate");
      if (created != null && created.hasNonNull("id")) {
        shared("certificates", created.get("id").asText(), created);
      }
      return created;
    } catch (HttpApiException e) {
      throw map(e, "upload certificate " + name);
    }
  }

  JsonNode certificate(String id) throws DeployException {
    try {
      return http.get("/v2/certificates/{certificate_id}", id).get("certificate");
    } catch (HttpApiException e) {
      throw map(e, "read certificate " + id);
    }
  }

  /** Deletes a certificate; the raw exception is returned to the caller, who tells "in use" (403) apart. */
  void deleteCertificate(String id) throws HttpApiException {
    http.delete("/v2/certificates/{certificate_id}", id);
    reads.<Map<String, JsonNode>>ifRead("certificates").ifPresent(m -> m.remove(id));
  }

  JsonNode loadBalancer(String id) throws DeployException {
    try {
      return http.get("/v2/load_balancers/{lb_id}", id).get("load_balancer");
    } catch (HttpApiException e) {
      throw map(e, "read load balancer " + id, "check the target's loadBalancerId (`doctl compute load-balancer list`)");
    }
  }

  List<JsonNode> loadBalancers() throws DeployException {
    return pages("/v2/load_balancers", "load_balancers", "list the load balancers");
  }

  JsonNode updateLoadBalancer(String id, ObjectNode body) throws DeployException {
    try {
      JsonNode lb = http.put("/v2/load_balancers/{lb_id}", body, id).get("load_balancer");
      if (lb != null) {
        shared("load_balancers", id, lb);
      }
      return lb;
    } catch (HttpApiException e) {
      throw map(e, "update load balancer " + id, "check the target's loadBalancerId");
    }
  }

  JsonNode cdnEndpoint(String id) throws DeployException {
    try {
      return http.send(ApiRequest.get("/v2/cdn/endpoints/{cdn_id}", id).limitedBy(cdnLimiter).build())
          .json().get("endpoint");
    } catch (HttpApiException e) {
      throw map(e, "read CDN endpoint " + id, "check the target's endpointId (`doctl compute cdn list`)");
    }
  }

  List<JsonNode> cdnEndpoints() throws DeployException {
    List<JsonNode> out = new ArrayList<>();
    int page = 1;
    try {
      while (true) {
        JsonNode n = http.send(ApiRequest.get("/v2/cdn/endpoints").query("per_page", 200).query("page", page)
            .limitedBy(cdnLimiter).build()).json();
        n.path("endpoints").forEach(out::add);
        if (!hasNext(n)) {
          return out;
        }
        page++;
      }
    } catch (HttpApiException e) {
      throw map(e, "list the CDN endpoints");
    }
  }

  JsonNode updateCdnEndpoint(String id, ObjectNode body) throws DeployException {
    try {
      JsonNode endpoint = http.send(ApiRequest.put("/v2/cdn/endpoints/{cdn_id}", id).body(body).limitedBy(cdnLimiter)
          .build()).json().get("endpoint");
      if (endpoint != null) {
        shared("cdn_endpoints", id, endpoint);
      }
      return endpoint;
    } catch (HttpApiException e) {
      throw map(e, "update CDN endpoint " + id, "check the target's endpointId and customDomain");
    }
  }

  /** Every droplet carrying {@code tag} (all pages). */
  List<JsonNode> droplets(String tag) throws DeployException {
    List<JsonNode> out = new ArrayList<>();
    int page = 1;
    try {
      while (true) {
        JsonNode n = http.send(ApiRequest.get("/v2/droplets").query("tag_name", tag).query("per_page", 200)
            .query("page", page).build()).json();
        n.path("droplets").forEach(out::add);
        if (!hasNext(n)) {
          return out;
        }
        page++;
      }
    } catch (HttpApiException e) {
      throw map(e, "list the droplets tagged " + tag);
    }
  }

  ObjectNode object() { return http.json().createObjectNode(); }

  private List<JsonNode> pages(String path, String field, String what) throws DeployException {
    List<JsonNode> out = new ArrayList<>();
    int page = 1;
    try {
      while (true) {
        JsonNode n = http.send(ApiRequest.get(path).query("per_page", 200).query("page", page).build()).json();
        n.path(field).forEach(out::add);
        if (!hasNext(n)) {
          return out;
        }
        page++;
      }
    } catch (HttpApiException e) {
      throw map(e, what);
    }
  }

  private static boolean hasNext(JsonNode n) {
    return n.path("links").path("pages").hasNonNull("next");
  }

  DeployException map(HttpApiException e, String what) { return map(e, what, null); }

  /**
   * Turns an API failure into a message that says what to fix and quotes what DigitalOcean said,
   * request id included (its support asks for it); never contains the token.
   */
  DeployException map(HttpApiException e, String what, String notFoundHint) {
    String prefix = "DigitalOcean: cannot " + what + " (" + e.answer() + ")";
    return switch (e.status()) {
      case 401 -> new DeployException(prefix + "; the token in " + tokenReference
          + " is invalid, expired or revoked: create a new one at https://cloud.digitalocean.com/account/api/tokens",
          false, null, null);
      case 403 -> new DeployException(prefix + "; the token in " + tokenReference
          + " lacks a scope this needs: give it read and write access to certificates, load balancers and CDN (and read "
          + "access to droplets for frontends found by tag)",
          false, null, null);
      case 404 -> new DeployException(prefix + (notFoundHint == null ? "" : "; " + notFoundHint), false, null, null);
      case 422, 400 -> new DeployException(prefix, false, null, null);
      case 429 -> e.resumeAt().isPresent() ? DeployException.waiting(prefix, e.resumeAt().get())
          : new DeployException(prefix + "; the account's API rate limit is used up, retry later", true,
              e.retryAfter().orElse(null), null);
      case 0 -> new DeployException("DigitalOcean: cannot " + what + ": " + e.getMessage(), true, null, null);
      default -> new DeployException(prefix, e.isTransient(), e.retryAfter().orElse(null), null);
    };
  }
}
