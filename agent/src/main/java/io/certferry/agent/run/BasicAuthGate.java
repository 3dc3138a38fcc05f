package io.certferry.agent.run;

import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Set;

/**
 * Basic auth (RFC 7617) for the status page, {@code /status} and {@code /metrics} ({@code http.auth}); the probes
 * {@code /healthz} and {@code /readyz} stay open, as orchestrators call them without credentials and they tell
 * nothing. The password is resolved from its reference at start and kept only as the SHA-256 of
 * {@code user:password}; what a request offers is hashed the same way and compared in constant time, so neither
 * the password nor its length shows in the answer's timing. It is never logged or shown.
 */
final class BasicAuthGate {
  /** Paths answered without credentials. */
  static final Set<String> OPEN = Set.of("/healthz", "/readyz");
  /** What a 401 answer asks for. */
  static final String CHALLENGE = "Basic realm=\"certferry\", charset=\"UTF-8\"";
  private static final String SCHEME = "Basic ";

  private final byte[] expected;

  BasicAuthGate(String user, String password) {
    this.expected = sha256((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Whether a request to {@code path} with this {@code Authorization} header (null when absent) may be answered. */
  boolean allows(String path, String authorization) {
    if (OPEN.contains(path)) {
      return true;
    }
    if (authorization == null) {
      return false;
    }
    String a = authorization.strip();
    // The scheme is case-insensitive (RFC 9110 section 11.1).
    if (a.length() <= SCHEME.length() || !a.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] offered;
    try {
      offered = Base64.getDecoder().decode(a.substring(SCHEME.length()).strip());
    } catch (IllegalArgumentException e) {
      return false;
    }
    return MessageDigest.isEqual(expected, sha256(offered));
  }

  private static byte[] sha256(byte[] b) { return Fingerprints.sha256(b).getBytes(StandardCharsets.US_ASCII); }

  @Override
  public String toString() { return "BasicAuthGate{}"; }
}
