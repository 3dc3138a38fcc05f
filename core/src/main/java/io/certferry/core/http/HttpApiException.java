package io.certferry.core.http;

import io.certferry.core.CertferryException;

import java.time.Duration;
import java.util.Optional;

/**
 * A call failed after the retries it was allowed. Carries the HTTP status (0 when no answer came),
 * the API's own error id and message when the body had them, and when to come back if the server said.
 *
 * <p>The message names the request by method and path only; it never holds a token, a query string
 * or a secret the server echoed back.
 *
 * @since 0.1
 */
public class HttpApiException extends CertferryException {
  private static final long serialVersionUID = 1L;
  private final String request;
  private final int status;
  private final String apiId;
  private final String apiMessage;
  private final Duration retryAfter;

  HttpApiException(String request, int status, String apiId, String apiMessage, Duration retryAfter, String message) {
    super(message);
    this.request = request;
    this.status = status;
    this.apiId = apiId;
    this.apiMessage = apiMessage;
    this.retryAfter = retryAfter;
  }

  static HttpApiException status(String request, int status, String apiId, String apiMessage, Duration retryAfter) {
    StringBuilder m = new StringBuilder(request).append(" failed: HTTP ").append(status);
    if (apiId != null) {
      m.append(' ').append(apiId);
    }
    if (apiMessage != null) {
      m.append(": ").append(apiMessage);
    }
    if (retryAfter != null) {
      m.append(" (retry after ").append(retryAfter.toSeconds()).append(" s)");
    }
    return new HttpApiException(request, status, apiId, apiMessage, retryAfter, m.toString());
  }

  static HttpApiException network(String request, String what, int attempts) {
    return new HttpApiException(request, 0, null, null, null,
        request + " failed after " + attempts + " attempt(s): " + what);
  }

  static HttpApiException rateLimited(String request, Duration retryAfter, String why) {
    return new HttpApiException(request, 429, null, why, retryAfter,
        request + " not sent: " + why + " (retry after " + retryAfter.toSeconds() + " s)");
  }

  static HttpApiException unreadable(String request, int status, String what) {
    return new HttpApiException(request, status, null, what, null, request + ": HTTP " + status + ", but " + what);
  }

  /**
   * The request as method and path (template only for sensitive requests).
   *
   * @since 0.1
   */
  public String request() { return request; }

  /**
   * HTTP status, or 0 when the server never answered (connection refused, timeout, reset).
   *
   * @since 0.1
   */
  public int status() { return status; }

  /**
   * The API's machine-readable error id, e.g. DigitalOcean's {@code not_found}.
   *
   * @since 0.1
   */
  public Optional<String> apiId() { return Optional.ofNullable(apiId); }

  /**
   * The API's human-readable error message, secrets scrubbed.
   *
   * @since 0.1
   */
  public Optional<String> apiMessage() { return Optional.ofNullable(apiMessage); }

  /**
   * When the server asked us to come back (429 or an exhausted rate limit).
   *
   * @since 0.1
   */
  public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

  /**
   * True for network failures, 429 and 5xx: trying again later may succeed without a config change.
   *
   * @since 0.1
   */
  public boolean isTransient() { return status == 0 || status == 429 || status >= 500; }
}
