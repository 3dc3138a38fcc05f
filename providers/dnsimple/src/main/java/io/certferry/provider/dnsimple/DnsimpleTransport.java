package io.certferry.provider.dnsimple;

import java.io.IOException;
import java.util.Optional;

/**
 * The seam between the typed {@link DnsimpleClient} and the HTTP layer that sends requests: base URL,
 * Bearer token, retries, rate-limit waits and redaction live behind it, written once.
 */
interface DnsimpleTransport {
  /**
   * Sends one request and returns the answer, whatever its status.
   *
   * @param method HTTP method
   * @param pathAndQuery the path below the base URL ({@code /whoami}, {@code /1/zones?page=2})
   * @param jsonBody the JSON body, if any
   * @throws IOException when no answer came (after the layer's bounded retries)
   */
  Reply send(String method, String pathAndQuery, Optional<String> jsonBody) throws IOException;

  /** The text with every secret the transport knows (the token) replaced; for messages built from answers. */
  default String redact(String text) { return text; }

  /** An HTTP answer: status code and body text. */
  record Reply(int status, String body) {
    boolean ok() { return status >= 200 && status < 300; }
  }
}
