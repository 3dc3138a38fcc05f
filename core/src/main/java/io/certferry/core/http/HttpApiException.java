package io.certferry.core.http;

import io.certferry.core.CertferryException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A call failed after the retries it was allowed, or was not sent because the rate-limit budget was
 * used up. Carries the HTTP status (0 when no answer came), what the API said (its error id, message
 * and request id) and when to come back if that is known.
 *
 * <p>The message names the request by method and path only; it never holds a token, a query string
 * or a secret the server echoed back: every part of it went through the HTTP layer's redactor.
 *
 * @since 0.1
 */
public class HttpApiException extends CertferryException {
  private static final long serialVersionUID = 1L;
  private static final DateTimeFormatter TIME_OF_DAY = DateTimeFormatter.ofPattern("HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private final String request;
  private final int status;
  private final String apiId;
  private final String apiMessage;
  private final String requestId;
  private final Duration retryAfter;
  private final Instant resumeAt;
  private final String answer;

  private HttpApiException(String request, int status, ErrorBody said, Duration retryAfter, Instant resumeAt,
                           String answer, String message) {
    super(message);
    this.request = request;
    this.status = status;
    this.apiId = said.id();
    this.apiMessage = said.message();
    this.requestId = said.requestId();
    this.retryAfter = retryAfter;
    this.resumeAt = resumeAt;
    this.answer = answer;
  }

  /** The server answered with an error status. */
  static HttpApiException status(String request, int status, ErrorBody said, Duration retryAfter) {
    String head = said.summary(status);
    List<String> notes = new ArrayList<>();
    said.requestIdNote().ifPresent(notes::add);
    if (retryAfter != null) {
      notes.add("retry after " + retryAfter.toSeconds() + " s");
    }
    String answer = said.answer(status);
    String message = request + " failed: " + head + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
    return new HttpApiException(request, status, said, retryAfter, null, answer, message);
  }

  /** No answer came: connection refused, reset, timed out, or the wait was interrupted. */
  static HttpApiException network(String request, String what, int attempts) {
    return new HttpApiException(request, 0, ErrorBody.NOTHING, null, null, "no answer: " + what,
        request + " failed after " + attempts + " attempt(s): " + what);
  }

  /**
   * The request was not sent: the budget (the server's quota or the client-side limit) is used up
   * until {@code resumeAt}, past what the call may wait.
   *
   * @param lastAnswer what the server said when the quota ran out, if it said anything
   */
  static HttpApiException notSent(String request, String why, Instant resumeAt, Instant now, Optional<String> lastAnswer) {
    Instant at = resumeAt.truncatedTo(ChronoUnit.SECONDS);
    String when = Duration.between(now, at).compareTo(Duration.ofHours(12)) < 0 ? TIME_OF_DAY.format(at) : at.toString();
    String answer = "not sent: " + why + ", quota back at " + when + lastAnswer.map(a -> "; last answer: " + a).orElse("");
    return new HttpApiException(request, 429, ErrorBody.NOTHING, Duration.between(now, resumeAt), resumeAt, answer,
        request + " " + answer);
  }

  /** A 2xx answer that cannot be read as what was asked for. */
  static HttpApiException unreadable(String request, int status, String what) {
    return new HttpApiException(request, status, new ErrorBody(null, what, null), null, null,
        "HTTP " + status + ", but " + what, request + ": HTTP " + status + ", but " + what);
  }

  /**
   * The request as method and path (template only for sensitive requests).
   *
   * @since 0.1
   */
  public String request() { return request; }

  /**
   * HTTP status, or 0 when the server never answered (connection refused, timeout, reset); 429 when not sent.
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
   * The id the API gave this request ({@code request_id} in the body, or the {@code x-request-id}
   * header), which its support asks for.
   *
   * @since 0.1
   */
  public Optional<String> requestId() { return Optional.ofNullable(requestId); }

  /**
   * When the server asked us to come back (429 or an exhausted rate limit).
   *
   * @since 0.1
   */
  public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

  /**
   * Set when the request was never sent because the budget was used up: when it may be sent again.
   *
   * @since 0.1
   */
  public Optional<Instant> resumeAt() { return Optional.ofNullable(resumeAt); }

  /**
   * What came back, for a provider's own message: {@code HTTP 422 unprocessable_entity: Name is in use
   * (request id 8a3c...)}, {@code not sent: the API's rate limit is used up, quota back at 12:04:10Z; last
   * answer: HTTP 429 ...} or {@code no answer: ConnectException: ...}.
   *
   * @since 0.1
   */
  public String answer() { return answer; }

  /**
   * True for network failures, 429 and 5xx: trying again later may succeed without a config change.
   *
   * @since 0.1
   */
  public boolean isTransient() { return status == 0 || status == 429 || status >= 500; }
}
