package io.certferry.core.renew;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.certferry.core.x509.TrustAnchors;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Fetches ACME Renewal Information (RFC 9773): the {@code renewalInfo} URL from a directory, and
 * {@code GET {renewalInfo}/{certID}}, which is unauthenticated. {@code Retry-After} is bounded to
 * between a minute and a day (as RFC 9773 section 4.3.2 suggests) and defaults to six hours.
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

  private final OkHttpClient http;
  private final Clock clock;

  private AriClient(Builder b) {
    OkHttpClient.Builder hb = new OkHttpClient.Builder().callTimeout(b.timeout).followRedirects(true);
    if (b.socketFactory != null) {
      hb.sslSocketFactory(b.socketFactory, b.trustManager);
    }
    this.http = hb.build();
    this.clock = b.clock;
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
    JsonNode dir = getJson(directory).body();
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
    Fetched fetched = getJson(url);
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

  /** Delta-seconds or an HTTP date, bounded; the default when absent or unreadable. */
  Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return DEFAULT_RETRY_AFTER;
    }
    String h = header.get().trim();
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(h));
    } catch (NumberFormatException notSeconds) {
      try {
        d = Duration.between(clock.instant(), ZonedDateTime.parse(h, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
      } catch (DateTimeParseException notDate) {
        return DEFAULT_RETRY_AFTER;
      }
    }
    if (d.compareTo(MIN_RETRY_AFTER) < 0) {
      return MIN_RETRY_AFTER;
    }
    return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
  }

  private Fetched getJson(URI url) throws AriException, InterruptedException {
    HttpUrl httpUrl = HttpUrl.parse(url.toString());
    if (httpUrl == null) {
      throw new AriException(url + " is not an http(s) URL");
    }
    Request request = new Request.Builder().url(httpUrl).get().header("Accept", "application/json").build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new AriException(url + " answered HTTP " + response.code());
      }
      String text = response.body().string();
      JsonNode node;
      try {
        node = JSON.readTree(text);
      } catch (JsonProcessingException e) {
        throw new AriException(url + " answered malformed JSON (line " + e.getLocation().getLineNr()
            + ", column " + e.getLocation().getColumnNr() + ")");
      }
      if (node == null || !node.isObject()) {
        throw new AriException(url + " answered JSON that is not an object");
      }
      return new Fetched(node, Optional.ofNullable(response.header("Retry-After")));
    } catch (InterruptedIOException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted while fetching " + url);
      }
      throw new AriException(url + " did not answer in time", e);
    } catch (IOException e) {
      throw new AriException(url + " could not be fetched: " + e.getMessage(), e);
    }
  }

  private record Fetched(JsonNode body, Optional<String> retryAfter) {}

  /**
   * Builds an {@link AriClient}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private SSLSocketFactory socketFactory;
    private X509TrustManager trustManager;
    private Clock clock = Clock.systemUTC();
    private Duration timeout = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Trust for the CA's HTTPS (e.g. Pebble's test CA from {@code --server-ca}). Verification is
     * never switched off: pass a trust manager that knows the server's anchor.
     *
     * @since 0.1
     */
    public Builder trust(SSLSocketFactory socketFactory, X509TrustManager trustManager) {
      this.socketFactory = Objects.requireNonNull(socketFactory, "socketFactory");
      this.trustManager = Objects.requireNonNull(trustManager, "trustManager");
      return this;
    }

    /**
     * Trusts these anchors in addition to the JDK's ({@code --server-ca}, e.g. Pebble's test root).
     * Verification stays on.
     *
     * @since 0.1
     */
    public Builder extraTrustAnchors(List<X509Certificate> anchors) {
      if (anchors.isEmpty()) {
        return this;
      }
      TrustAnchors anchorsToTrust = TrustAnchors.jdkDefault().with(anchors);
      return trust(anchorsToTrust.sslContext().getSocketFactory(), anchorsToTrust.trustManager());
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
     * Whole-call timeout per request; 30 s by default.
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
