package io.certferry.agent.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

/**
 * Basic auth for the status page, {@code /status} and {@code /metrics} ({@code http.auth}); the probes
 * {@code /healthz} and {@code /readyz} stay open, as orchestrators call them without credentials and they tell
 * nothing. The password is resolved from its reference at start and compared in constant time; it is never
 * logged or shown.
 */
final class BasicAuthGate {
  /** Paths answered without credentials. */
  static final Set<String> OPEN = Set.of("/healthz", "/readyz");
  /** What a 401 answer asks for. */
  static final String CHALLENGE = "Basic realm=\"certferry\", charset=\"UTF-8\"";

  private final byte[] expected;

  BasicAuthGate(String user, String password) {
    this.expected = ("Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Whether a request to {@code path} with this {@code Authorization} header (null when absent) may be answered. */
  boolean allows(String path, String authorization) {
    if (OPEN.contains(path)) {
      return true;
    }
    return authorization != null
        && MessageDigest.isEqual(expected, authorization.trim().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() { return "BasicAuthGate{}"; }
}
