package io.certferry.core.renew;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.Sleeper;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.ApiResponse;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiBuilder;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.http.RetryAfter;
import io.certferry.core.x509.TrustAnchors;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;

/**
 * Fetches ACME Renewal Information (RFC 9773): the {@code renewalInfo} URL from a directory, and
 * {@code GET {renewalInfo}/{certID}}, which is unauthenticated. {@code Retry-After} is bounded to
 * between a minute and a day (as RFC 9773 section 4.3.2 suggests) and defaults to six hours.
 *
 * <p>Built on the shared {@link HttpApi} (User-Agent, redaction, {@code Retry-After} on 429, TLS with
 * extra trust anchors and never without verification). Each fetch is one attempt, unless the CA answers
 * 429 with a short {@code Retry-After}: a failed poll costs nothing, since the planner keeps the lifetime
 * rule and asks again on its next pass, while retrying inside the pass would hold the whole pass up.
 *
 * <pre>
 * AriClient ari = AriClient.builder().build();
 * Optional&lt;URI&gt; base = ari.renewalInfoUrl(URI.create("https://acme-v02.api.letsencrypt.org/directory"));
 * RenewalInfo info = ari.fetch(base.get(), AriCertificateId.of(leaf).get());
 * </pre>
 *
 * @since 0.1
 */
public final class AriClient {
  /** Poll interval when the CA sends no usable {@code Retry-After}. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofHours(6);
  static final Duration MIN_RETRY_AFTER = Duration.ofMinutes(1);
  static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The most a 429's Retry-After is waited for inside one fetch. */
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;
  /** Anchors added to the JDK's; combined only when a client is first built (most passes ask no CA). */
  private final List<X509Certificate> extraAnchors;
  private final OkHttpClient httpClient;
  /** One HttpApi per base URL (a directory, a renewalInfo URL): few CAs, so this stays small. */
  private final Map<String, HttpApi> apis = new ConcurrentHashMap<>();

  private AriClient(Builder b) {
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.timeout = b.timeout;
    this.extraAnchors = b.extraAnchors;
    this.httpClient = b.httpClient;
  }

  /**
   * A builder with the defaults.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * The directory's {@code renewalInfo} URL, or empty when the CA does not offer ARI.
   *
   * @throws AriException when the directory cannot be fetched or is not a JSON object
   * @since 0.1
   */
  public Optional<URI> renewalInfoUrl(URI directory) throws AriException, InterruptedException {
    JsonNode dir = getJson(directory, directory, ApiRequest.get("/").build()).body();
    JsonNode url = dir.get("renewalInfo");
    if (url == null || !url.isTextual() || url.asText().isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(URI.create(url.asText()));
    } catch (IllegalArgumentException e) {
      throw new AriException("directory " + directory + ": renewalInfo '" + url.asText() + "' is not a URL");
    }
  }

  /**
   * Fetches the renewal information of one certificate from the CA's {@code renewalInfo} base URL.
   *
   * @since 0.1
   */
  public RenewalInfo fetch(URI renewalInfoUrl, String certificateId) throws AriException, InterruptedException {
    String base = renewalInfoUrl.toString();
    URI url = URI.create(base.endsWith("/") ? base + certificateId : base + "/" + certificateId);
    Fetched fetched = getJson(renewalInfoUrl, url, ApiRequest.get("/{cert_id}", certificateId).build());
    return parse(url, fetched.body(), retryAfter(fetched.retryAfter()));
  }

  /**
   * A source bound to one CA's {@code renewalInfo} URL, for {@link RenewalPlanner}.
   *
   * @since 0.1
   */
  public RenewalInfoSource source(URI renewalInfoUrl) {
    return certificateId -> fetch(renewalInfoUrl, certificateId);
  }

  static RenewalInfo parse(URI url, JsonNode body, Duration retryAfter) throws AriException {
    JsonNode window = body.get("suggestedWindow");
    if (window == null || !window.isObject()) {
      throw new AriException("renewal info at " + url + " has no suggestedWindow object");
    }
    Instant start = instant(url, window, "start");
    Instant end = instant(url, window, "end");
    if (!end.isAfter(start)) {
      throw new AriException("renewal info at " + url + ": suggestedWindow end " + end + " is not after start " + start);
    }
    Optional<URI> explanation = Optional.empty();
    JsonNode ex = body.get("explanationURL");
    if (ex != null && ex.isTextual() && !ex.asText().isBlank()) {
      try {
        explanation = Optional.of(URI.create(ex.asText()));
      } catch (IllegalArgumentException e) {
        throw new AriException("renewal info at " + url + ": explanationURL '" + ex.asText() + "' is not a URL");
      }
    }
    return new RenewalInfo(start, end, explanation, retryAfter);
  }

  private static Instant instant(URI url, JsonNode window, String field) throws AriException {
    JsonNode v = window.get(field);
    if (v == null || !v.isTextual()) {
      throw new AriException("renewal info at " + url + ": suggestedWindow." + field + " is missing or not a string");
    }
    try {
      return OffsetDateTime.parse(v.asText()).toInstant();
    } catch (DateTimeParseException e) {
      throw new AriException("renewal info at " + url + ": suggestedWindow." + field + " '" + v.asText()
          + "' is not an RFC 3339 timestamp");
    }
  }

  /** Delta-seconds or an HTTP date ({@link RetryAfter}), bounded; the default when absent or unreadable. */
  Duration retryAfter(Optional<String> header) {
    Optional<Duration> d = header.flatMap(h -> RetryAfter.parse(h, clock.instant()));
    if (d.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    if (d.get().compareTo(MIN_RETRY_AFTER) < 0) {
      return MIN_RETRY_AFTER;
    }
    return d.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d.get();
  }

  /** {@code request} against the HttpApi of {@code base}; {@code url} is what messages name. */
  private Fetched getJson(URI base, URI url, ApiRequest request) throws AriException, InterruptedException {
    ApiResponse response;
    try {
      response = api(base).send(request);
    } catch (HttpApiException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while fetching " + url);
      }
      throw new AriException(url + (e.status() == 0 ? " could not be fetched (" + e.answer() + ")"
          : " answered " + e.answer()), e);
    }
    JsonNode node;
    try {
      node = JSON.readTree(response.bodyText());
    } catch (JsonProcessingException e) {
      throw new AriException(url + " answered malformed JSON (line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    }
    if (node == null || !node.isObject()) {
      throw new AriException(url + " answered JSON that is not an object");
    }
    return new Fetched(node, response.header("Retry-After"));
  }

  private HttpApi api(URI base) throws AriException {
    try {
      return apis.computeIfAbsent(base.toString(), this::newApi);
    } catch (IllegalArgumentException e) {
      throw new AriException(base + " is not an http(s) URL");
    }
  }

  private HttpApi newApi(String base) {
    HttpApiBuilder b = HttpApi.builder().baseUrl(base).clock(clock).sleeper(sleeper).timeout(timeout)
        .maxAttempts(1).maxWait(MAX_WAIT).userAgent("certferry-ari/0.1");
    if (httpClient != null) {
      b.okHttpClient(httpClient);
    }
    if (!extraAnchors.isEmpty()) {
      b.trustAnchors(TrustAnchors.jdkDefault().with(extraAnchors));
    }
    return b.build();
  }

  private record Fetched(JsonNode body, Optional<String> retryAfter) {}

  /**
   * Builds an {@link AriClient}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Duration timeout = Duration.ofSeconds(30);
    private List<X509Certificate> extraAnchors = List.of();
    private OkHttpClient httpClient;

    private Builder() {}

    /**
     * Trusts these anchors in addition to the JDK's ({@code --server-ca}, e.g. Pebble's test root).
     * Verification stays on.
     *
     * @since 0.1
     */
    public Builder extraTrustAnchors(List<X509Certificate> anchors) {
      this.extraAnchors = List.copyOf(anchors);
      return this;
    }

    /**
     * The clock an HTTP-date {@code Retry-After} is measured against.
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How a short wait for a 429's {@code Retry-After} is slept.
     *
     * @since 0.1
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Shares this OkHttp client's connection pool and dispatcher (default: {@link HttpApi#sharedClient()}).
     *
     * @since 0.1
     */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /**
     * Timeout per request (connect, read, write); 30 s by default.
     *
     * @since 0.1
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * The client.
     *
     * @since 0.1
     */
    public AriClient build() { return new AriClient(this); }
  }
}
