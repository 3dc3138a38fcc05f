package io.certferry.core.http;

import io.certferry.core.Backoff;
import io.certferry.core.ProviderContext;
import io.certferry.core.Sleeper;
import io.certferry.core.x509.TrustAnchors;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Builds an {@link HttpApi}. Only the base URL is required.
 *
 * @since 0.1
 */
public final class HttpApiBuilder {
  HttpUrl baseUrl;
  String token;
  String scheme = "Bearer";
  String userAgent = "certferry/0.1";
  Clock clock = Clock.systemUTC();
  Sleeper sleeper = Sleeper.SYSTEM;
  int maxAttempts = 4;
  Duration maxWait = Duration.ofMinutes(2);
  Backoff backoff = Backoff.HTTP;
  Duration timeout = Duration.ofSeconds(30);
  final List<SlidingWindowLimiter> limiters = new ArrayList<>();
  OkHttpClient client;
  TrustAnchors trust;
  boolean secretBaseUrl;
  ObjectMapper mapper = defaultMapper();

  HttpApiBuilder() {}

  /**
   * Where the API lives, e.g. {@code https://api.netlify.com/api/v1}; request paths are appended to it.
   *
   * @since 0.1
   */
  public HttpApiBuilder baseUrl(String url) {
    HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "baseUrl"));
    if (parsed == null) {
      throw new IllegalArgumentException("base URL is not an http(s) URL: " + url);
    }
    this.baseUrl = parsed;
    this.secretBaseUrl = false;
    return this;
  }

  /**
   * A base URL that is itself a secret, as an incoming-webhook URL such as
   * {@code https://hooks.slack.com/services/T.../B.../xxxx}: its path, query values and user info are
   * scrubbed from every answer, log line and exception. The message never echoes the value.
   *
   * @since 0.1
   */
  public HttpApiBuilder secretBaseUrl(String url) {
    HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(url, "baseUrl"));
    if (parsed == null) {
      throw new IllegalArgumentException("the secret base URL is not an http(s) URL");
    }
    this.baseUrl = parsed;
    this.secretBaseUrl = true;
    return this;
  }

  /**
   * Sends {@code Authorization: Bearer <token>}; the value is never logged or put in an exception.
   *
   * @since 0.1
   */
  public HttpApiBuilder bearerToken(String secretValue) {
    this.token = secretValue;
    this.scheme = "Bearer";
    return this;
  }

  /**
   * The {@code User-Agent} sent with every request.
   *
   * @since 0.1
   */
  public HttpApiBuilder userAgent(String userAgent) {
    this.userAgent = Objects.requireNonNull(userAgent);
    return this;
  }

  /**
   * The clock retries and rate limits are timed by (default: the system clock, UTC).
   *
   * @since 0.1
   */
  public HttpApiBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock);
    return this;
  }

  /**
   * How retries wait (default {@link Sleeper#SYSTEM}).
   *
   * @since 0.1
   */
  public HttpApiBuilder sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper);
    return this;
  }

  /**
   * Attempts per call for network errors and 5xx, the first included (default 4).
   *
   * @since 0.1
   */
  public HttpApiBuilder maxAttempts(int maxAttempts) {
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
  public HttpApiBuilder maxWait(Duration maxWait) {
    this.maxWait = Objects.requireNonNull(maxWait);
    return this;
  }

  /**
   * First backoff delay (default 1 s), doubled each failure, capped at {@code max} (default 30 s).
   *
   * @since 0.1
   */
  public HttpApiBuilder backoff(Duration initial, Duration max) {
    this.backoff = Backoff.HTTP.withBounds(Objects.requireNonNull(initial), Objects.requireNonNull(max));
    return this;
  }

  /**
   * Connect/read/write timeout per attempt (default 30 s).
   *
   * @since 0.1
   */
  public HttpApiBuilder timeout(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout);
    return this;
  }

  /**
   * A client-side limit applied to every request of this client, in addition to those given before (a
   * provider's published limits per minute and per hour, say): a request goes when every one has a slot.
   *
   * @since 0.1
   */
  public HttpApiBuilder limiter(SlidingWindowLimiter limiter) {
    this.limiters.add(Objects.requireNonNull(limiter, "limiter"));
    return this;
  }

  /**
   * Shares an OkHttp client's connection pool and dispatcher; never one with a logging interceptor.
   *
   * @since 0.1
   */
  public HttpApiBuilder okHttpClient(OkHttpClient client) {
    this.client = client;
    return this;
  }

  /**
   * Takes the clock, the sleeper and the shared HTTP client from a provider's context.
   *
   * @since 0.1
   */
  public HttpApiBuilder context(ProviderContext context) {
    return clock(context.clock()).sleeper(context.sleeper()).okHttpClient(context.httpClient());
  }

  /**
   * Trusts these anchors for the server's TLS certificate, e.g. the JDK's plus a test CA
   * ({@code TrustAnchors.jdkDefault().with(serverCa)}). Host names are still checked; verification
   * cannot be switched off.
   *
   * @since 0.1
   */
  public HttpApiBuilder trustAnchors(TrustAnchors anchors) {
    this.trust = Objects.requireNonNull(anchors, "anchors");
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
