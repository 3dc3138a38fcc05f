package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.certferry.core.dns.ChallTestSrvDnsProvider;
import io.certferry.core.dns.DnsException;
import io.certferry.core.dns.DnsRecordHandle;

/**
 * A DNSimple API v2 fake for MockWebServer: an account with zones, records and bought certificates.
 * Every request is first validated against DNSimple's OpenAPI description; a request the spec rejects
 * is answered 599 and recorded, and {@link #violations()} must be empty at the end of each test.
 * Scripted answers ({@link #answerNext}) stand in front of the fake for error paths; hooks see every TXT
 * record created or deleted (the end-to-end tests mirror them into pebble-challtestsrv). Public (in the
 * test-jar) for the agent's end-to-end test.
 */
public final class FakeDnsimple extends Dispatcher {
  /** Random-looking, as real tokens are: a word in it would match ordinary text in the secrets tests. */
  public static final String TOKEN = "dnstok_8f3a2c9d7e1b4a6f0c5d2e8b71";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ZONES = Pattern.compile("/v2/(\\d+)/zones");
  private static final Pattern RECORDS = Pattern.compile("/v2/(\\d+)/zones/([^/]+)/records");
  private static final Pattern RECORD = Pattern.compile("/v2/(\\d+)/zones/([^/]+)/records/(\\d+)(/distribution)?");
  private static final Pattern CERT = Pattern.compile("/v2/(\\d+)/domains/([^/]+)/certificates/(\\d+)/(download|private_key)");

  public final long account;
  private final boolean accountToken;
  private final Map<String, Map<Long, ObjectNode>> zones = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<Long, Cert> certs = Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicLong ids = new AtomicLong(1000);
  private final Deque<Scripted> scripted = new ArrayDeque<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private volatile int notDistributedAnswers;
  private volatile boolean loseNextCreateAnswer;
  private volatile BiConsumer<String, String> onTxtCreated = (n, v) -> {};
  private volatile BiConsumer<String, String> onTxtDeleted = (n, v) -> {};

  public record Cert(String domain, String state, String server, List<String> chain, String root, String key) {}

  private record Scripted(String method, Pattern path, MockResponse response) {}

  public FakeDnsimple(long account, boolean accountToken) {
    this.account = account;
    this.accountToken = accountToken;
  }

  public FakeDnsimple zone(String name) {
    zones.put(name, Collections.synchronizedMap(new LinkedHashMap<>()));
    return this;
  }

  /** A record someone else made (e.g. another tool's TXT at the same name). */
  public long existingTxt(String zone, String name, String value) {
    return store(zone, name, "TXT", "\"" + value + "\"", 3600).path("id").asLong();
  }

  public void certificate(long id, Cert cert) { certs.put(id, cert); }

  public void notDistributedFor(int answers) { notDistributedAnswers = answers; }

  /** The next record create takes effect, but the connection drops before the answer is sent. */
  public void loseNextCreateAnswer() { loseNextCreateAnswer = true; }

  public void onTxt(BiConsumer<String, String> created, BiConsumer<String, String> deleted) {
    onTxtCreated = created;
    onTxtDeleted = deleted;
  }

  /**
   * Mirrors this fake's TXT records of {@code zones} into pebble-challtestsrv, the DNS server Pebble
   * validates against, so dns-01 through this provider is validated for real. challtestsrv keeps one
   * list per name and clears it whole, so after a delete the name's remaining records are set again.
   * {@code served} maps a created value to what DNS answers (a test of a wrong value changes it).
   */
  public void mirrorInto(ChallTestSrvDnsProvider dns, List<String> zones,
                         UnaryOperator<String> served) {
    onTxt((fqdn, value) -> setTxt(dns, fqdn, served.apply(value)), (fqdn, value) -> {
      try {
        dns.delete(new DnsRecordHandle(fqdn, value, "", ""));
      } catch (DnsException e) {
        throw new IllegalStateException(e);
      }
      for (String zone : zones) {
        for (JsonNode r : records(zone)) {
          String name = r.path("name").asText();
          if (r.path("type").asText().equals("TXT") && (name.isEmpty() ? zone : name + "." + zone).equals(fqdn)) {
            setTxt(dns, fqdn, DnsimpleApi.unquote(r.path("content").asText()));
          }
        }
      }
    });
  }

  private static void setTxt(ChallTestSrvDnsProvider dns, String fqdn, String value) {
    try {
      dns.createTxt(fqdn, value);
    } catch (DnsException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The next request matching method and path regex gets this answer instead of the fake's. */
  public synchronized void answerNext(String method, String pathRegex, MockResponse response) {
    scripted.add(new Scripted(method, Pattern.compile(pathRegex), response));
  }

  public List<String> violations() { return List.copyOf(violations); }

  public List<RecordedRequest> requests() { return List.copyOf(requests); }

  /** The records of a zone as DNSimple holds them (TXT content quoted). */
  public List<JsonNode> records(String zone) {
    synchronized (zones) {
      return new ArrayList<>(zones.get(zone).values());
    }
  }

  @Override
  public MockResponse dispatch(RecordedRequest r) {
    requests.add(r);
    List<String> broken = DnsimpleContract.violations(r);
    if (!broken.isEmpty()) {
      violations.add(r.getMethod() + " " + r.getUrl().encodedPath() + ": " + broken);
      return json(599, "{\"message\":\"request violates the DNSimple OpenAPI description: " + broken.size()
          + " problem(s)\"}");
    }
    Optional<MockResponse> s = takeScripted(r);
    if (s.isPresent()) {
      return s.get();
    }
    if (!("Bearer " + TOKEN).equals(r.getHeaders().get("Authorization"))) {
      return json(401, "{\"message\":\"Authentication failed\"}");
    }
    try {
      return route(r);
    } catch (IOException e) {
      return json(400, "{\"message\":\"bad JSON\",\"errors\":{}}");
    }
  }

  private synchronized Optional<MockResponse> takeScripted(RecordedRequest r) {
    for (var it = scripted.iterator(); it.hasNext(); ) {
      Scripted s = it.next();
      if (s.method().equals(r.getMethod()) && s.path().matcher(r.getUrl().encodedPath()).matches()) {
        it.remove();
        return Optional.of(s.response());
      }
    }
    return Optional.empty();
  }

  private MockResponse route(RecordedRequest r) throws IOException {
    String path = r.getUrl().encodedPath();
    Matcher m;
    if (path.equals("/v2/whoami")) {
      return whoami();
    }
    if ((m = ZONES.matcher(path)).matches() && r.getMethod().equals("GET")) {
      return ours(m.group(1)) ? listZones(r) : notFound();
    }
    if ((m = RECORDS.matcher(path)).matches() && r.getMethod().equals("POST")) {
      if (!ours(m.group(1))) {
        return notFound();
      }
      MockResponse created = createRecord(m.group(2), JSON.readTree(r.getBody().utf8()));
      if (loseNextCreateAnswer) {
        loseNextCreateAnswer = false;
        return new MockResponse.Builder().onResponseStart(new mockwebserver3.SocketEffect.CloseSocket()).build();
      }
      return created;
    }
    if ((m = RECORDS.matcher(path)).matches() && r.getMethod().equals("GET")) {
      return ours(m.group(1)) ? listRecords(m.group(2), r) : notFound();
    }
    if ((m = RECORD.matcher(path)).matches() && ours(m.group(1))) {
      return recordOp(r.getMethod(), m.group(2), Long.parseLong(m.group(3)), m.group(4) != null);
    }
    if ((m = CERT.matcher(path)).matches() && ours(m.group(1))) {
      return certificate(m.group(2), Long.parseLong(m.group(3)), m.group(4));
    }
    return notFound();
  }

  private boolean ours(String acct) { return Long.parseLong(acct) == account; }

  private MockResponse whoami() {
    String acct = "{\"id\":" + account + ",\"email\":\"ops@example.com\",\"plan_identifier\":\"teams-v1-monthly\","
        + "\"created_at\":\"2015-09-18T23:04:37Z\",\"updated_at\":\"2016-06-09T20:03:39Z\"}";
    String user = "{\"id\":7,\"email\":\"ops@example.com\",\"created_at\":\"2015-09-18T23:04:37Z\","
        + "\"updated_at\":\"2016-06-09T20:03:39Z\"}";
    return json(200, accountToken ? "{\"data\":{\"account\":" + acct + ",\"user\":null}}"
        : "{\"data\":{\"account\":null,\"user\":" + user + "}}");
  }

  private MockResponse listZones(RecordedRequest r) {
    int page = Integer.parseInt(Optional.ofNullable(r.getUrl().queryParameter("page")).orElse("1"));
    int per = Integer.parseInt(Optional.ofNullable(r.getUrl().queryParameter("per_page")).orElse("30"));
    List<String> names;
    synchronized (zones) {
      names = new ArrayList<>(zones.keySet());
    }
    int pages = Math.max(1, (names.size() + per - 1) / per);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode data = body.putArray("data");
    for (int i = (page - 1) * per; i < Math.min(names.size(), page * per); i++) {
      data.addObject().put("id", i + 1).put("account_id", account).put("name", names.get(i)).put("reverse", false)
          .put("secondary", false).putNull("last_transferred_at").put("active", true)
          .put("created_at", "2015-04-23T07:40:03Z").put("updated_at", "2015-04-23T07:40:03Z");
    }
    body.putObject("pagination").put("current_page", page).put("per_page", per)
        .put("total_entries", names.size()).put("total_pages", pages);
    return json(200, body.toString());
  }

  private MockResponse listRecords(String zone, RecordedRequest r) {
    if (!zones.containsKey(zone)) {
      return notFound();
    }
    String name = r.getUrl().queryParameter("name");
    String type = r.getUrl().queryParameter("type");
    ObjectNode body = JSON.createObjectNode();
    ArrayNode data = body.putArray("data");
    records(zone).stream()
        .filter(rec -> name == null || rec.path("name").asText().equals(name))
        .filter(rec -> type == null || rec.path("type").asText().equals(type))
        .forEach(data::add);
    body.putObject("pagination").put("current_page", 1).put("per_page", 100)
        .put("total_entries", data.size()).put("total_pages", 1);
    return json(200, body.toString());
  }

  private MockResponse createRecord(String zone, JsonNode req) {
    if (!zones.containsKey(zone)) {
      return notFound();
    }
    String content = req.path("content").asText();
    if (content.isEmpty()) {
      return json(400, "{\"message\":\"Validation failed\",\"errors\":{\"content\":[\"can't be blank\"]}}");
    }
    String type = req.path("type").asText();
    String stored = type.equals("TXT") && !content.startsWith("\"") ? "\"" + content + "\"" : content;
    ObjectNode rec = store(zone, req.path("name").asText(), type, stored, req.path("ttl").asInt(3600));
    if (type.equals("TXT")) {
      onTxtCreated.accept(fqdn(rec.path("name").asText(), zone), content);
    }
    return json(201, "{\"data\":" + rec + "}");
  }

  private ObjectNode store(String zone, String name, String type, String content, int ttl) {
    long id = ids.incrementAndGet();
    ObjectNode rec = JSON.createObjectNode().put("id", id).put("zone_id", zone).putNull("parent_id")
        .put("name", name).put("content", content).put("ttl", ttl).putNull("priority").put("type", type);
    rec.putArray("regions").add("global");
    rec.put("system_record", false).put("created_at", "2016-03-22T10:20:53Z").put("updated_at", "2016-03-22T10:20:53Z");
    zones.get(zone).put(id, rec);
    return rec;
  }

  private MockResponse recordOp(String method, String zone, long id, boolean distribution) {
    Map<Long, ObjectNode> recs = zones.get(zone);
    ObjectNode rec = recs == null ? null : recs.get(id);
    if (rec == null) {
      return notFound();
    }
    if (distribution && method.equals("GET")) {
      boolean done = notDistributedAnswers <= 0;
      notDistributedAnswers--;
      return json(200, "{\"data\":{\"distributed\":" + done + "}}");
    }
    if (method.equals("GET")) {
      return json(200, "{\"data\":" + rec + "}");
    }
    if (method.equals("DELETE")) {
      recs.remove(id);
      if (rec.path("type").asText().equals("TXT")) {
        onTxtDeleted.accept(fqdn(rec.path("name").asText(), zone), DnsimpleApi.unquote(rec.path("content").asText()));
      }
      return new MockResponse.Builder().code(204).build();
    }
    return notFound();
  }

  private MockResponse certificate(String domain, long id, String what) {
    Cert c = certs.get(id);
    if (c == null || !c.domain().equals(domain)) {
      return notFound();
    }
    if (!c.state().equals("issued")) {
      return json(428, "{\"message\":\"Certificate is not issued yet\"}");
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode data = body.putObject("data");
    if (what.equals("download")) {
      data.put("server", c.server()).put("root", c.root());
      ArrayNode chain = data.putArray("chain");
      c.chain().forEach(chain::add);
    } else {
      data.put("private_key", c.key());
    }
    return json(200, body.toString());
  }

  private static String fqdn(String name, String zone) {
    return name.isEmpty() ? zone : name + "." + zone;
  }

  static MockResponse notFound() { return json(404, "{\"message\":\"Not Found\"}"); }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .addHeader("X-RateLimit-Limit", "2400").addHeader("X-RateLimit-Remaining", "2399")
        .addHeader("X-RateLimit-Reset", String.valueOf(Instant.now().getEpochSecond() + 3600))
        .body(body).build();
  }
}
