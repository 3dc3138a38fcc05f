package io.certferry.provider.dnsimple;

import java.io.IOException;

/**
 * DNSimple answered a request with an error. The message names what was being done, what DNSimple
 * said and what to fix; it never holds the token.
 */
public final class DnsimpleApiException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;

  DnsimpleApiException(int status, String message) {
    super(message);
    this.status = status;
  }

  DnsimpleApiException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The HTTP status DNSimple answered with; 0 when no answer came (network failure after retries). */
  public int status() { return status; }

  /** No answer or a server error: a write may or may not have taken effect. */
  public boolean outcomeUnknown() { return status == 0 || status >= 500; }
}
