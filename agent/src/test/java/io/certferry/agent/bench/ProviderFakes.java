package io.certferry.agent.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.x509.Fingerprints;
import io.certferry.provider.digitalocean.FakeDigitalOcean;
import io.certferry.provider.netlify.FakeNetlify;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * The fakes {@code bench/providers/run.sh} runs the agent against: DigitalOcean (certificates, load balancers,
 * CDN endpoints) and Netlify on one loopback port, each request counted per provider, and each provider's
 * published limit enforced the way the real API does: DigitalOcean answers 429 past 250 requests in a minute or
 * 5,000 in an hour per token, Netlify past 500 in a minute; the rate-limit headers say what is left.
 *
 * <p>Usage: {@code ProviderFakes LBS CDNS SITES PORT_FILE}. Control, on the same port (not counted):
 * {@code POST /__bench/adopt?store=DIR&certs=N} makes the fakes serve each lineage's current version as the
 * targets of {@code bench/providers/run.sh} expect (as if deployed earlier); {@code POST /__bench/drift}
 * points every load balancer rule, CDN endpoint and site at a certificate someone else put there;
 * {@code GET /__bench/counts} answers the counts since {@code POST /__bench/reset}; {@code POST /__bench/stop}.
 */
public final class ProviderFakes extends Dispatcher {
  static final String DO_TOKEN = "dop_v1_7c3e9a41b25f8d06e1a94c7b3f52d8e6a0b9c4f1e7d2a5b8c3f6e9d1a4b7c0e3";
  static final String NETLIFY_TOKEN = "nfp_Q8vK3mZp7RtX2wLs9YbN4cHj6FgD1aUe";

  private final ObjectMapper json = new ObjectMapper();
  private final FakeDigitalOcean digitalOcean = new FakeDigitalOcean(DO_TOKEN, Clock.systemUTC());
  private final FakeNetlify netlify = new FakeNetlify(NETLIFY_TOKEN);
  private final Window doMinute = new Window(250, Duration.ofMinutes(1));
  private final Window doHour = new Window(5000, Duration.ofHours(1));
  private final Window netlifyMinute = new Window(500, Duration.ofMinutes(1));
  private final int lbs;
  private final int cdns;
  private final int sites;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final List<String> calls = new ArrayList<>();
  private long doRequests;
  private long doRefused;
  private long netlifyRequests;
  private long netlifyRefused;

  /** A provider's count of requests in a sliding window: what its limit sees. */
  private static final class Window {
    final int limit;
    final Duration period;
    final Deque<Instant> sent = new ArrayDeque<>();
    int most;

    Window(int limit, Duration period) {
      this.limit = limit;
      this.period = period;
    }

    /** Whether a request at {@code now} is within the limit; nothing counted. */
    boolean allows(Instant now) {
      while (!sent.isEmpty() && !sent.peekFirst().plus(period).isAfter(now)) {
        sent.removeFirst();
      }
      return sent.size() < limit;
    }

    /** Counts a request the provider accepted. */
    void count(Instant now) {
      sent.addLast(now);
      most = Math.max(most, sent.size());
    }

    long left() { return limit - sent.size(); }

    Instant reset(Instant now) { return sent.isEmpty() ? now.plus(period) : sent.peekFirst().plus(period); }
  }

  ProviderFakes(int lbs, int cdns, int sites) {
    this.lbs = lbs;
    this.cdns = cdns;
    this.sites = sites;
    digitalOcean.activeAfterGets = 0;
    digitalOcean.pageSize = 200;
    for (int i = 1; i <= lbs; i++) {
      digitalOcean.addLoadBalancer(lbId(i), null, json.createArrayNode());
    }
    for (int i = 1; i <= cdns; i++) {
      digitalOcean.addCdnEndpoint(cdnId(i), "cdn-owner.bench.test", null);
    }
    for (int i = 1; i <= sites; i++) {
      netlify.addSite(siteId(i), "site-owner.bench.test");
    }
  }

  static String lbId(int i) { return String.format(Locale.ROOT, "00000000-0000-4000-8000-0000000%05d", i); }

  static String cdnId(int i) { return String.format(Locale.ROOT, "00000000-0000-4000-9000-0000000%05d", i); }

  static String siteId(int i) { return String.format(Locale.ROOT, "00000000-0000-4000-a000-0000000%05d", i); }

  public static void main(String[] args) throws Exception {
    ProviderFakes fakes = new ProviderFakes(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(fakes);
      server.start(InetAddress.getByName("127.0.0.1"), 0);
      Path portFile = Path.of(args[3]);
      Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(server.getPort()));
      Files.move(tmp, portFile);
      fakes.stopped.await();
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
    String path = r.getUrl().encodedPath();
    if (path.startsWith("/__bench/")) {
      return control(r, path);
    }
    Instant now = Instant.now();
    boolean netlifyCall = path.startsWith("/api/v1/");
    MockResponse answer;
    synchronized (this) {
      calls.add(r.getMethod() + " " + path);
      boolean admitted;
      if (netlifyCall) {
        netlifyRequests++;
        admitted = netlifyMinute.allows(now);
        if (admitted) {
          netlifyMinute.count(now);
        } else {
          netlifyRefused++;
        }
      } else {
        doRequests++;
        admitted = doMinute.allows(now) && doHour.allows(now);
        if (admitted) {
          doMinute.count(now);
          doHour.count(now);
        } else {
          doRefused++;
        }
      }
      if (!admitted) {
        return tooMany(netlifyCall, now);
      }
    }
    answer = netlifyCall ? netlify.dispatch(r) : digitalOcean.dispatch(r);
    synchronized (this) {
      return netlifyCall
          ? answer.newBuilder().setHeader("X-RateLimit-Limit", netlifyMinute.limit)
              .setHeader("X-RateLimit-Remaining", netlifyMinute.left())
              .setHeader("X-RateLimit-Reset", netlifyMinute.reset(now).getEpochSecond()).build()
          : answer.newBuilder().setHeader("ratelimit-limit", doHour.limit).setHeader("ratelimit-remaining", doHour.left())
              .setHeader("ratelimit-reset", doHour.reset(now).getEpochSecond()).build();
    }
  }

  private MockResponse tooMany(boolean netlifyCall, Instant now) {
    Window w = netlifyCall ? netlifyMinute : doMinute.left() <= 0 ? doMinute : doHour;
    long after = Math.max(1, Duration.between(now, w.reset(now)).toSeconds());
    String body = netlifyCall ? "{\"code\":429,\"message\":\"Rate limit exceeded\"}"
        : "{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}";
    return new MockResponse.Builder().code(429).setHeader("Content-Type", "application/json")
        .setHeader("Retry-After", after).body(body).build();
  }

  private MockResponse control(RecordedRequest r, String path) {
    try {
      switch (path) {
        case "/__bench/adopt" -> adopt(Path.of(r.getUrl().queryParameter("store")),
            Integer.parseInt(r.getUrl().queryParameter("certs")));
        case "/__bench/drift" -> drift();
        case "/__bench/reset" -> reset();
        case "/__bench/stop" -> stopped.countDown();
        case "/__bench/counts" -> {
          return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body(counts()).build();
        }
        default -> {
          return new MockResponse.Builder().code(404).body("no such control: " + path).build();
        }
      }
      return new MockResponse.Builder().code(204).build();
    } catch (RuntimeException | IOException e) {
      return new MockResponse.Builder().code(500).body(e.toString()).build();
    }
  }

  /**
   * The fakes serve every lineage's current version where bench/providers/run.sh's config deploys it: lineage i
   * (1-based) on load balancer ((i-1) mod LBS)+1 through the rule on port 10000+i, lineages 1..CDNS on CDN
   * endpoint i, lineages CDNS+1..CDNS+SITES on Netlify site i.
   */
  private void adopt(Path storeDir, int certs) throws IOException {
    CertificateStore store = FileStore.open(storeDir);
    for (int i = 1; i <= certs; i++) {
      String name = String.format(Locale.ROOT, "c%04d", i);
      CertificateBundle b = store.currentBundle(name).orElseThrow(() -> new IOException("no current version of " + name));
      String sha1 = Fingerprints.sha1(b.leaf());
      String certId;
      synchronized (digitalOcean) {
        ObjectNode c = digitalOcean.addCertificate("certferry-" + name + "-" + b.serial().toLowerCase(Locale.ROOT),
            "custom", sha1);
        c.putArray("dns_names").add(b.names().get(0));
        certId = c.get("id").asText();
        ArrayNode rules = (ArrayNode) digitalOcean.loadBalancers.get(lbId((i - 1) % lbs + 1)).get("forwarding_rules");
        rules.addObject().put("entry_protocol", "https").put("entry_port", 10000 + i).put("target_protocol", "http")
            .put("target_port", 80).put("certificate_id", certId).put("tls_passthrough", false);
        if (i <= cdns) {
          digitalOcean.cdnEndpoints.get(cdnId(i)).put("custom_domain", b.names().get(0)).put("certificate_id", certId);
        }
      }
      if (i > cdns && i <= cdns + sites) {
        synchronized (netlify) {
          netlify.sites.get(siteId(i - cdns)).put("custom_domain", b.names().get(0)).put("ssl", true);
          netlify.served.put(siteId(i - cdns), b.leaf());
        }
      }
    }
  }

  /** Someone else's certificate everywhere: every target must be deployed again. */
  private void drift() {
    synchronized (digitalOcean) {
      String other = digitalOcean.addCertificate("bought-by-hand", "custom", "ee".repeat(20)).get("id").asText();
      digitalOcean.loadBalancers.values().forEach(lb -> lb.get("forwarding_rules")
          .forEach(rule -> ((ObjectNode) rule).put("certificate_id", other)));
      digitalOcean.cdnEndpoints.values().forEach(e -> e.put("certificate_id", other));
    }
    synchronized (netlify) {
      netlify.served.clear();
    }
  }

  private synchronized void reset() {
    calls.clear();
    doRequests = 0;
    doRefused = 0;
    netlifyRequests = 0;
    netlifyRefused = 0;
    doMinute.most = doMinute.sent.size();
    doHour.most = doHour.sent.size();
    netlifyMinute.most = netlifyMinute.sent.size();
  }

  private synchronized String counts() throws IOException {
    ObjectNode out = json.createObjectNode();
    out.putObject("digitalocean").put("requests", doRequests).put("refused429", doRefused)
        .put("mostPerMinute", doMinute.most).put("mostPerHour", doHour.most);
    out.putObject("netlify").put("requests", netlifyRequests).put("refused429", netlifyRefused)
        .put("mostPerMinute", netlifyMinute.most);
    ObjectNode byCall = out.putObject("byCall");
    for (String c : calls) {
      String key = c.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}");
      byCall.put(key, byCall.path(key).asLong() + 1);
    }
    return json.writeValueAsString(out) + "\n";
  }
}
