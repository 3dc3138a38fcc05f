package io.certferry.core.notify;

import io.certferry.core.ProviderContext;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiBuilder;
import io.certferry.core.http.HttpApiException;

import java.time.Duration;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one notification over the shared HTTP layer ({@link HttpApi}): network errors and 5xx are
 * retried with backoff and jitter, 429 after its {@code Retry-After}; other answers are final. A
 * notification that cannot be delivered is logged (redacted by the HTTP layer) and dropped: a
 * notifier must never throw into the reconcile loop. A duplicate notification after a retried
 * POST is acceptable, a lost one is not, so the POST is marked repeatable.
 *
 * <p>A webhook URL carries its token in its path, so it is given to the HTTP layer as a secret base URL:
 * no part of it can come back in a warning, whatever the server echoes.
 */
final class HttpDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

  private final HttpApi api;
  private final String what;

  HttpDelivery(HttpUrl base, boolean secretUrl, String bearerToken, int attempts, Duration firstDelay, Duration timeout,
               ProviderContext context, String what) {
    HttpApiBuilder b = HttpApi.builder().context(context).maxAttempts(attempts)
        .backoff(firstDelay, Duration.ofSeconds(30)).timeout(timeout);
    if (secretUrl) {
      b.secretBaseUrl(base.toString());
    } else {
      b.baseUrl(base.toString());
    }
    if (bearerToken != null) {
      b.bearerToken(bearerToken);
    }
    this.api = b.build();
    this.what = what;
  }

  /** POSTs the JSON body to {@code path} (relative to the base URL); true when the server took it. */
  boolean post(String path, Object body) {
    try {
      api.send(ApiRequest.post(path).body(body).idempotent(true).sensitive().build());
      return true;
    } catch (HttpApiException e) {
      LOG.warn("{} notification not delivered: {}", what, e.getMessage());
      return false;
    }
  }
}
