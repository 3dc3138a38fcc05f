package io.certferry.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;

/**
 * A hostile server for the secrets tests: it quotes back everything it received (the request line
 * with its raw query, every header, every query value decoded, the body) in the answer, as some
 * proxies and careless APIs do in 4xx/5xx bodies. Requests {@link #echoing matched} are answered so;
 * the others go to the real fake behind it, so a provider gets far enough to send its secrets.
 *
 * <p>Modes: a JSON error body in DigitalOcean's shape (the echo in {@code message} and
 * {@code request_id}); a long plain-text error whose first secret straddles character 200, where a
 * layer that cuts before it scrubs would leave half a token; a 200 with garbage (not JSON); a 200
 * with a JSON object whose every usual field holds the echo; and a 429 whose body echoes.
 */
public final class EchoDispatcher extends Dispatcher {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How an echoed request is answered. */
  public enum Mode { JSON_ERROR, TEXT_ERROR, SERVER_ERROR, GARBAGE_200, JSON_200, RATE_LIMITED }

  private final Dispatcher real;
  private volatile Mode mode = Mode.JSON_ERROR;
  private volatile Predicate<RecordedRequest> echoing = r -> true;
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private final List<String> echoed = new CopyOnWriteArrayList<>();

  /** @param real answers what is not echoed; null: everything is echoed */
  public EchoDispatcher(Dispatcher real) { this.real = real; }

  /** Echoes every request in this mode from now on. */
  public EchoDispatcher mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** Which requests are echoed (the rest go to the real fake). */
  public EchoDispatcher echoing(Predicate<RecordedRequest> which) {
    this.echoing = which;
    return this;
  }

  /** Echo only writes (POST, PUT, PATCH, DELETE): reads succeed, so the writes carrying secrets are sent. */
  public static boolean write(RecordedRequest r) { return !r.getMethod().equals("GET"); }

  /** Every request received, echoed or not; alert bodies are read from here. */
  public List<RecordedRequest> received() { return List.copyOf(received); }

  /** How many requests were answered with an echo. */
  public int echoedCount() { return echoed.size(); }

  @Override
  public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
    received.add(r);
    if (real != null && !echoing.test(r)) {
      return real.dispatch(r);
    }
    String echo = everything(r);
    echoed.add(echo);
    return switch (mode) {
      case JSON_ERROR -> json(422, error(echo));
      case SERVER_ERROR -> json(503, error(echo));
      case RATE_LIMITED -> new MockResponse.Builder().code(429).setHeader("Retry-After", "3600")
          .setHeader("Content-Type", "application/json").body(error(echo).toString()).build();
      case TEXT_ERROR -> new MockResponse.Builder().code(400).setHeader("Content-Type", "text/plain")
          .setHeader("x-request-id", oneLine(echo)).body(straddling(r, echo)).build();
      case GARBAGE_200 -> new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
          .body("}{ not json: " + echo).build();
      case JSON_200 -> json(200, everyField(echo));
    };
  }

  /** The request line, every header, every query value decoded, and the body, as one text. */
  static String everything(RecordedRequest r) {
    StringBuilder out = new StringBuilder();
    out.append(r.getMethod()).append(' ').append(r.getTarget()).append('\n');
    r.getHeaders().forEach(h -> out.append(h.getFirst()).append(": ").append(h.getSecond()).append('\n'));
    String query = r.getUrl().encodedQuery();
    if (query != null) {
      for (String pair : query.split("&")) {
        out.append("query ").append(URLDecoder.decode(pair, StandardCharsets.UTF_8)).append('\n');
      }
    }
    out.append("body ").append(r.getBody() == null ? "" : r.getBody().utf8());
    return out.toString();
  }

  /**
   * Text whose first secret carrier (the Authorization header, else the request target) begins 10
   * characters before character 200: a cut at 200 before scrubbing leaves 10 characters of it.
   */
  private static String straddling(RecordedRequest r, String echo) {
    String auth = r.getHeaders().get("Authorization");
    String first = auth != null ? auth.substring(auth.indexOf(' ') + 1) : r.getTarget().substring(1);
    String pad = "echo ".repeat(40).substring(0, 190);
    return pad + first + "\n" + echo;
  }

  /** A header value holds no line breaks; the echo still holds every secret (its first 2000 characters). */
  private static String oneLine(String echo) {
    String line = echo.replaceAll("[\\r\\n]+", " | ");
    return line.length() > 2000 ? line.substring(0, 2000) : line;
  }

  private static ObjectNode error(String echo) {
    return JSON.createObjectNode().put("id", "unprocessable_entity").put("message", "you sent: " + echo)
        .put("request_id", echo.length() > 120 ? echo.substring(0, 120) : echo);
  }

  /** A 200 with the echo where providers look for names, ids, states and messages. */
  private static ObjectNode everyField(String echo) {
    ObjectNode fields = JSON.createObjectNode();
    for (String f : List.of("id", "name", "status", "state", "message", "custom_domain", "expires_at", "certificate_id")) {
      fields.put(f, echo);
    }
    fields.putArray("domains").add(echo);
    ObjectNode n = fields.deepCopy();
    for (String wrapper : List.of("load_balancer", "endpoint", "certificate", "data")) {
      n.set(wrapper, fields.deepCopy());
    }
    return n;
  }

  private static MockResponse json(int code, ObjectNode body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body.toString()).build();
  }
}
