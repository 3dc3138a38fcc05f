package io.certferry.core.http;

import io.certferry.core.ProviderContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one HTTP client every provider and notifier uses: JSON over OkHttp, with bounded retries
 * (exponential backoff with jitter) for network errors and 5xx, {@code Retry-After} and rate-limit
 * headers honoured, optional client-side limits, and secrets kept out of every log line, exception and
 * answer.
 *
 * <pre>
 * HttpApi api = HttpApi.builder()
 *     .baseUrl("https://api.digitalocean.com")
 *     .bearerToken(context.secrets().resolve("${env:DIGITALOCEAN_TOKEN}"))
 *     .context(context)
 *     .build();
 * JsonNode lb = api.get("/v2/load_balancers/{lb_id}", lbId);
 * </pre>
 *
 * <p>Secrets by construction: the bearer token and the secret parts of a {@linkplain
 * HttpApiBuilder#secretBaseUrl secret base URL} are marked by this class, everything else by the
 * {@link ApiRequest} (headers, query values, body fields, path arguments); a value that holds a PEM
 * private key is a secret whether marked or not. Every answer is scrubbed of all of them (and of PEM
 * private keys) by one redactor before anything reads, cuts, logs or throws it.
 *
 * <p>Nothing here ever logs a URL's query, a header, or a request body; and no OkHttp logging
 * interceptor is installed. TLS is verified by the platform's trust store, plus the
 * {@linkplain HttpApiBuilder#trustAnchors anchors} given; there is no switch to turn it off.
 *
 * @since 0.1
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  /** 429 answers are retried within {@code maxWait}; this caps them in case a server keeps saying 0 s. */
  private static final int MAX_RATE_LIMITED_ATTEMPTS = 20;
  /**
   * Every HttpApi derives its client from this one, so all share one connection pool and dispatcher. Made on
   * first use: building it loads the platform's trust store, a tenth of the start-up of a run that calls no API.
   */
  private static final class Shared {
    static final OkHttpClient CLIENT = new OkHttpClient();
  }

  private final HttpUrl baseUrl;
  private final Clock clock;
  private final int maxAttempts;
  private final Duration maxWait;
  private final RequestPacer pacer;
  private final OkHttpClient client;
  private final ObjectMapper mapper;
  private final RequestWriter writer;

  HttpApi(HttpApiBuilder b) {
    this.baseUrl = b.baseUrl;
    this.clock = b.clock;
    this.maxAttempts = b.maxAttempts;
    this.maxWait = b.maxWait;
    this.pacer = new RequestPacer(b.clock, b.sleeper, b.backoff, b.limiters);
    this.mapper = b.mapper;
    this.writer = new RequestWriter(b.baseUrl, b.secretBaseUrl, b.userAgent,
        b.token == null ? null : b.scheme + " " + b.token, b.token, b.mapper);
    // OkHttp silently re-sends a request, POST included, when a pooled connection drops; a create sent
    // twice leaves an object nobody knows the id of. Retries are this class's job, where they are bounded
    // and a non-idempotent request is only repeated when marked safe.
    OkHttpClient.Builder cb = (b.client != null ? b.client : Shared.CLIENT).newBuilder()
        .retryOnConnectionFailure(false)
        .connectTimeout(b.timeout)
        .readTimeout(b.timeout)
        .writeTimeout(b.timeout)
        .callTimeout(b.timeout.multipliedBy(2));
    if (b.trust != null) {
      X509TrustManager tm = b.trust.trustManager();
      cb.sslSocketFactory(tlsContext(tm).getSocketFactory(), tm);
    }
    this.client = cb.build();
  }

  /**
   * The process-wide OkHttp client every {@link HttpApi} derives its own from unless given another:
   * one connection pool and one dispatcher ({@link ProviderContext#defaults} hands this one out).
   *
   * @since 0.1
   */
  public static OkHttpClient sharedClient() { return Shared.CLIENT; }

  private static SSLContext tlsContext(X509TrustManager tm) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {tm}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS: " + e.getMessage(), e);
    }
  }

  /**
   * A builder.
   *
   * @since 0.1
   */
  public static HttpApiBuilder builder() { return new HttpApiBuilder(); }

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
   * Sends a request, retrying as allowed, and returns the 2xx answer, already scrubbed of every
   * secret the request carried.
   *
   * @throws HttpApiException for any other answer, or when the retries or the wait budget run out
   * @since 0.1
   */
  public ApiResponse send(ApiRequest request) throws HttpApiException {
    RequestWriter.Prepared prepared = writer.write(request);
    Redactor redactor = prepared.redactor();
    String what = redactor.scrub(request.describe());
    Instant deadline = clock.instant().plus(maxWait);
    int failures = 0;
    int rateLimited = 0;
    int attempt = 0;
    while (true) {
      attempt++;
      pacer.awaitTurn(request, what, deadline);
      Instant started = clock.instant();
      Answer answer;
      try {
        answer = execute(prepared.request()).scrubbed(redactor, request.answerHoldsPrivateKey());
      } catch (IOException e) {
        failures++;
        String cause = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + redactor.scrub(e.getMessage()));
        LOG.debug("{} attempt {}: {}", what, attempt, cause);
        if (!request.isIdempotent() && !(e instanceof ConnectException)) {
          throw HttpApiException.network(what, cause + "; not retried because the request may have taken effect", attempt);
        }
        if (failures >= maxAttempts || !pacer.backOff(failures, deadline)) {
          throw HttpApiException.network(what, cause, attempt);
        }
        continue;
      }
      LOG.debug("{} -> {} ({} ms, attempt {})", what, answer.status(),
          Duration.between(started, clock.instant()).toMillis(), attempt);
      pacer.noteQuota(answer);
      if (answer.isSuccess()) {
        return new ApiResponse(answer.status(), answer.headers(), answer.body(), mapper, what);
      }
      if (answer.status() == 429) {
        rateLimited++;
        Duration wait = pacer.retryWait(answer, rateLimited);
        ErrorBody said = ErrorBody.read(answer, mapper);
        pacer.noteRefusal(wait, said.answer(429));
        if (rateLimited >= MAX_RATE_LIMITED_ATTEMPTS || clock.instant().plus(wait).isAfter(deadline)) {
          throw HttpApiException.status(what, 429, said, wait);
        }
        pacer.sleep(wait, what);
        continue;
      }
      if (answer.status() >= 500 && request.isIdempotent()) {
        failures++;
        if (failures < maxAttempts && pacer.backOff(failures, deadline)) {
          continue;
        }
      }
      throw HttpApiException.status(what, answer.status(), ErrorBody.read(answer, mapper), null);
    }
  }

  private Answer execute(Request request) throws IOException {
    try (Response r = client.newCall(request).execute()) {
      ResponseBody body = r.body();
      return new Answer(r.code(), r.headers().toMultimap(), body == null ? new byte[0] : body.bytes());
    }
  }

  @Override
  public String toString() { return "HttpApi{" + baseUrl.scheme() + "://" + baseUrl.host() + "}"; }

}
