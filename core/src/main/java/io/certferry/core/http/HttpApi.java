package io.certferry.core.http;

import io.certferry.core.Backoff;
import io.certferry.core.Sleeper;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP client every provider and notifier uses: JSON over OkHttp, with bounded retries
 * (exponential backoff with jitter) for network errors and 5xx, {@code Retry-After} and rate-limit
 * headers honoured, an optional client-side limiter, and secrets kept out of every log line and
 * exception.
 *
 * <pre>
 * HttpApi api = HttpApi.builder()
 *     .baseUrl("https://api.digitalocean.com")
 *     .bearerToken(secrets.resolve("${env:DIGITALOCEAN_TOKEN}"))
 *     .build();
 * JsonNode lb = api.get("/v2/load_balancers/{lb_id}", lbId);
 * </pre>
 *
 * <p>Nothing here ever logs a URL's query, a header, or a request body; and no OkHttp logging
 * interceptor is installed. TLS is verified by the platform's trust store; there is no switch to
 * turn it off.
 *
 * @since 0.1
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final MediaType JSON = MediaType.get("application/json");
  /** 429 answers are retried within {@code maxWait}; this caps them in case a server keeps saying 0 s. */
  private static final int MAX_RATE_LIMITED_ATTEMPTS = 20;
  /** Every HttpApi derives its client from this one, so all share one connection pool and dispatcher. */
  private static final OkHttpClient SHARED = new OkHttpClient();

  private final HttpUrl baseUrl;
  private final String authorization;
  private final String userAgent;
  private final Clock clock;
  private final Sleeper sleeper;
  private final int maxAttempts;
  private final Duration maxWait;
  private final Backoff backoff;
  private final SlidingWindowLimiter limiter;
  private final OkHttpClient client;
  private final ObjectMapper mapper;
  private final String token;
  private volatile Instant quotaBackAt = Instant.MIN;

  private HttpApi(Builder b) {
    this.baseUrl = b.baseUrl;
    this.token = b.token;
    this.authorization = b.token == null ? null : b.scheme + " " + b.token;
    this.userAgent = b.userAgent;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.maxAttempts = b.maxAttempts;
    this.maxWait = b.maxWait;
    this.backoff = b.backoff;
    this.limiter = b.limiter;
    this.mapper = b.mapper;
    // OkHttp silently re-sends a request, POST included, when a pooled connection drops; a create sent
    // twice leaves an object nobody knows the id of. Retries are this class's job, where they are bounded
    // and a non-idempotent request is only repeated when marked safe.
    this.client = (b.client != null ? b.client : SHARED).newBuilder()
        .retryOnConnectionFailure(false)
        .connectTimeout(b.timeout)
        .readTimeout(b.timeout)
        .writeTimeout(b.timeout)
        .callTimeout(b.timeout.multipliedBy(2))
        .build();
  }

  /**
   * A builder.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * The JSON mapper (unknown properties ignored, ISO-8601 times), for building bodies and reading trees.
   *
   * @since 0.1
   */
  public ObjectMapper json() { return mapper; }

  /**
   * GET, answer as a JSON tree.
   *
   * @since 0.1
   */
  public JsonNode get(String pathTemplate, Object... pathArgs) throws HttpApiException {
    return send(ApiRequest.get(pathTemplate, pathArgs).build()).json();
  }

  /**
   * GET, answer bound to a type.
   *
   * @since 0.1
   */
  public <T> T get(Class<T> type, String pathTemplate, Object... pathArgs) throws HttpApiException {
    return send(ApiRequest.get(pathTemplate, pathArgs).build()).as(type);
  }

  /**
   * POST a JSON body (not retried after a 5xx or a broken connection: it may have taken effect).
   *
   * @since 0.1
   */
  public JsonNode post(String pathTemplate, Object body, Object... pathArgs) throws HttpApiException {
    return send(ApiRequest.post(pathTemplate, pathArgs).body(body).build()).json();
  }

  /**
   * PUT a JSON body.
   *
   * @since 0.1
   */
  public JsonNode put(String pathTemplate, Object body, Object... pathArgs) throws HttpApiException {
    return send(ApiRequest.put(pathTemplate, pathArgs).body(body).build()).json();
  }

  /**
   * DELETE.
   *
   * @since 0.1
   */
  public void delete(String pathTemplate, Object... pathArgs) throws HttpApiException {
    send(ApiRequest.delete(pathTemplate, pathArgs).build());
  }

  /**
   * Sends a request, retrying as allowed, and returns the 2xx answer.
   *
   * @throws HttpApiException for any other answer, or when the retries or the wait budget run out
   * @since 0.1
   */
  public ApiResponse send(ApiRequest request) throws HttpApiException {
    Redactor redactor = redactorFor(request);
    String what = request.describe();
    Instant deadline = clock.instant().plus(maxWait);
    Request okRequest = toOkHttp(request);
    int failures = 0;
    int rateLimited = 0;
    int attempt = 0;
    while (true) {
      attempt++;
      awaitQuota(request, what, deadline);
      Instant started = clock.instant();
      Answer answer;
      try {
        answer = execute(okRequest);
      } catch (IOException e) {
        failures++;
        String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redactor.scrub(e.getMessage()));
        LOG.debug("{} attempt {}: {}", what, attempt, cause);
        if (!request.isIdempotent() && !(e instanceof java.net.ConnectException)) {
          throw HttpApiException.network(what, cause + "; not retried because the request may have taken effect", attempt);
        }
        if (failures >= maxAttempts || !backOff(failures, deadline)) {
          throw HttpApiException.network(what, cause, attempt);
        }
        continue;
      }
      LOG.debug("{} -> {} ({} ms, attempt {})", what, answer.status,
          Duration.between(started, clock.instant()).toMillis(), attempt);
      noteQuota(answer);
      if (answer.status >= 200 && answer.status < 300) {
        return new ApiResponse(answer.status, answer.headers, answer.body, mapper, what);
      }
      if (answer.status == 429) {
        rateLimited++;
        Duration wait = retryWait(answer, rateLimited);
        if (rateLimited >= MAX_RATE_LIMITED_ATTEMPTS || clock.instant().plus(wait).isAfter(deadline)) {
          throw error(what, answer, redactor, wait);
        }
        sleep(wait, what);
        continue;
      }
      if (answer.status >= 500 && request.isIdempotent()) {
        failures++;
        if (failures < maxAttempts && backOff(failures, deadline)) {
          continue;
        }
      }
      throw error(what, answer, redactor, null);
    }
  }

  private Redactor redactorFor(ApiRequest request) {
    Redactor r = new Redactor().add(token);
    if (request.isSensitive()) {
      request.query().values().forEach(vs -> vs.forEach(r::add));
    }
    return r;
  }

  private Request toOkHttp(ApiRequest request) throws HttpApiException {
    HttpUrl.Builder url = baseUrl.newBuilder();
    List<String> args = request.pathArgs();
    int arg = 0;
    for (String segment : request.pathTemplate().substring(1).split("/", -1)) {
      if (segment.startsWith("{") && segment.endsWith("}")) {
        url.addPathSegment(args.get(arg++));
      } else if (!segment.isEmpty()) {
        url.addPathSegment(segment);
      }
    }
    request.query().forEach((k, vs) -> vs.forEach(v -> url.addQueryParameter(k, v)));
    RequestBody body = null;
    if (request.body().isPresent()) {
      try {
        body = RequestBody.create(mapper.writeValueAsBytes(request.body().get()), JSON);
      } catch (IOException e) {
        throw HttpApiException.unreadable(request.describe(), 0, "the request body cannot be written as JSON");
      }
    } else if (request.method().equals("POST") || request.method().equals("PUT") || request.method().equals("PATCH")) {
      body = RequestBody.create(new byte[0], null);
    }
    Request.Builder b = new Request.Builder().url(url.build()).method(request.method(), body)
        .header("Accept", "application/json")
        .header("User-Agent", userAgent);
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return b.build();
  }

  private record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  private Answer execute(Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      ResponseBody body = r.body();
      return new Answer(r.code(), r.headers().toMultimap(), body == null ? new byte[0] : body.bytes());
    }
  }

  /** Waits for the client-side limiter and for a quota the server said was used up. */
  private void awaitQuota(ApiRequest request, String what, Instant deadline) throws HttpApiException {
    Instant now = clock.instant();
    Duration wait = Duration.ZERO;
    if (quotaBackAt.isAfter(now)) {
      wait = Duration.between(now, quotaBackAt);
    }
    for (SlidingWindowLimiter l : limiters(request)) {
      Duration w = l.reserve(now.plus(wait));
      wait = wait.plus(w);
    }
    if (wait.isZero()) {
      return;
    }
    if (now.plus(wait).isAfter(deadline)) {
      throw HttpApiException.rateLimited(what, wait, "the API's rate limit is used up");
    }
    LOG.debug("{}: waiting {} ms for the rate limit", what, wait.toMillis());
    sleep(wait, what);
  }

  private List<SlidingWindowLimiter> limiters(ApiRequest request) {
    if (limiter == null) {
      return request.limiter().map(List::of).orElse(List.of());
    }
    return request.limiter().filter(l -> l != limiter).map(l -> List.of(limiter, l)).orElse(List.of(limiter));
  }

  private void noteQuota(Answer answer) {
    Function<String, String> h = answer::header;
    RateLimitHeaders.exhaustedUntil(h, clock.instant()).ifPresent(at -> quotaBackAt = at);
  }

  private Duration retryWait(Answer answer, int rateLimited) {
    Instant now = clock.instant();
    Function<String, String> h = answer::header;
    return RateLimitHeaders.retryAfter(h, now)
        .or(() -> RateLimitHeaders.resetAt(h, now).map(at -> at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO))
        .orElseGet(() -> backoffDelay(rateLimited));
  }

  /** Sleeps before the next try; false when that would pass the deadline. */
  private boolean backOff(int failures, Instant deadline) throws HttpApiException {
    Duration d = backoffDelay(failures);
    if (clock.instant().plus(d).isAfter(deadline)) {
      return false;
    }
    sleep(d, "backoff");
    return true;
  }

  /** {@link Backoff#HTTP}: a random point in the upper half of initial * 2^(n-1), capped. */
  Duration backoffDelay(int failures) {
    return backoff.delay(failures, true, Optional.empty());
  }

  private void sleep(Duration d, String what) throws HttpApiException {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw HttpApiException.network(what, "interrupted while waiting to retry", 0);
    }
  }

  private HttpApiException error(String what, Answer answer, Redactor redactor, Duration retryAfter) {
    String id = null;
    String message = null;
    try {
      JsonNode n = mapper.readTree(answer.body);
      if (n != null && n.isObject()) {
        id = text(n.get("id"));
        message = text(n.get("message"));
        String errors = errors(n.get("errors"));
        if (errors != null) {
          message = message == null ? errors : message + " (" + errors + ")";
        }
      }
    } catch (IOException | RuntimeException notJson) {
      String text = new String(answer.body, java.nio.charset.StandardCharsets.UTF_8).strip();
      if (!text.isEmpty() && !text.startsWith("<")) {
        message = text.length() > 200 ? text.substring(0, 200) + "..." : text;
      }
    }
    if (retryAfter == null && answer.status == 429) {
      retryAfter = retryWait(answer, 1);
    }
    return HttpApiException.status(what, answer.status, redactor.scrub(id), redactor.scrub(message), retryAfter);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString();
  }

  /** DNSimple's {"field": ["msg", ...]}, or a list of strings or {message} objects. */
  private static String errors(JsonNode n) {
    if (n == null || n.isNull() || n.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        out.append(out.length() == 0 ? "" : "; ").append(e.getKey()).append(": ");
        out.append(e.getValue().isArray() ? join(e.getValue()) : text(e.getValue()));
      });
    } else if (n.isArray()) {
      out.append(join(n));
    } else {
      out.append(n.asText());
    }
    return out.toString();
  }

  private static String join(JsonNode array) {
    StringBuilder out = new StringBuilder();
    for (JsonNode e : array) {
      String t = e.isObject() && e.has("message") ? e.get("message").asText() : text(e);
      out.append(out.length() == 0 ? "" : ", ").append(t);
    }
    return out.toString();
  }

  @Override
  public String toString() { return "HttpApi{" + baseUrl.scheme() + "://" + baseUrl.host() + "}"; }

  /**
   * Builds an {@link HttpApi}. Only the base URL is required.
   *
   * @since 0.1
   */
  public static final class Builder {
    private HttpUrl baseUrl;
    private String token;
    private String scheme = "Bearer";
    private String userAgent = "certferry/0.1";
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private int maxAttempts = 4;
    private Duration maxWait = Duration.ofMinutes(2);
    private Backoff backoff = Backoff.HTTP;
    private Duration timeout = Duration.ofSeconds(30);
    private SlidingWindowLimiter limiter;
    private OkHttpClient client;
    private ObjectMapper mapper = defaultMapper();

    private Builder() {}

    /**
     * Where the API lives, e.g. {@code https://api.netlify.com/api/v1}; request paths are appended to it.
     *
     * @since 0.1
     */
    public Builder baseUrl(String url) {
      HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "baseUrl"));
      if (parsed == null) {
        throw new IllegalArgumentException("base URL is not an http(s) URL: " + url);
      }
      this.baseUrl = parsed;
      return this;
    }

    /**
     * Sends {@code Authorization: Bearer <token>}; the value is never logged or put in an exception.
     *
     * @since 0.1
     */
    public Builder bearerToken(String secretValue) {
      this.token = secretValue;
      this.scheme = "Bearer";
      return this;
    }

    /**
     * The {@code User-Agent} sent with every request.
     *
     * @since 0.1
     */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent);
      return this;
    }

    /**
     * The clock retries and rate limits are timed by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * How retries wait (default {@link Sleeper#SYSTEM}).
     *
     * @since 0.1
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper);
      return this;
    }

    /**
     * Attempts per call for network errors and 5xx, the first included (default 4).
     *
     * @since 0.1
     */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /**
     * The most one call may spend waiting for retries and rate limits before it throws (default 2 min).
     *
     * @since 0.1
     */
    public Builder maxWait(Duration maxWait) {
      this.maxWait = Objects.requireNonNull(maxWait);
      return this;
    }

    /**
     * First backoff delay (default 1 s), doubled each failure, capped at {@code max} (default 30 s).
     *
     * @since 0.1
     */
    public Builder backoff(Duration initial, Duration max) {
      this.backoff = Backoff.HTTP.withBounds(Objects.requireNonNull(initial), Objects.requireNonNull(max));
      return this;
    }

    /**
     * Connect/read/write timeout per attempt (default 30 s).
     *
     * @since 0.1
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * A client-side limit applied to every request of this client.
     *
     * @since 0.1
     */
    public Builder limiter(SlidingWindowLimiter limiter) {
      this.limiter = limiter;
      return this;
    }

    /**
     * Shares an OkHttp client's connection pool and dispatcher; never one with a logging interceptor.
     *
     * @since 0.1
     */
    public Builder okHttpClient(OkHttpClient client) {
      this.client = client;
      return this;
    }

    /**
     * The client.
     *
     * @since 0.1
     */
    public HttpApi build() {
      if (baseUrl == null) {
        throw new IllegalStateException("HttpApi needs a baseUrl");
      }
      return new HttpApi(this);
    }

    private static ObjectMapper defaultMapper() {
      return new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
  }

  /** Visible for tests in this package. */
  Optional<Instant> quotaBackAt() { return quotaBackAt.equals(Instant.MIN) ? Optional.empty() : Optional.of(quotaBackAt); }
}
