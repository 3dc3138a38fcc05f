package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;

import java.time.Instant;
import java.util.Set;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/** How an ACME problem reads for people, and which side of the exchange failed. */
final class AcmeProblems {
  private static final String ACME_ERROR = "urn:ietf:params:acme:error:";
  /** Problem types that mean the CA looked at a challenge response and did not accept it. */
  private static final Set<String> VALIDATION = Set.of("connection", "dns", "incorrectResponse", "tls", "caa",
      "unauthorized", "unsupportedIdentifier");
  /** Problem types that say the CA is not well right now: try later. */
  private static final Set<String> TRANSIENT = Set.of("serverInternal", "badNonce");

  private AcmeProblems() {}

  /** The problem's detail, its type in brackets, then its sub-problems by identifier. */
  static String describe(Problem p) {
    if (p == null) {
      return "unknown problem";
    }
    StringBuilder sb = new StringBuilder(p.getDetail().or(p::getTitle).orElse(String.valueOf(p.getType())));
    String type = String.valueOf(p.getType());
    if (type.startsWith(ACME_ERROR)) {
      sb.append(" [").append(type.substring(ACME_ERROR.length())).append(']');
    }
    for (Problem sub : p.getSubProblems()) {
      sb.append("; ").append(sub.getIdentifier().map(i -> i.getValue() + ": ").orElse("")).append(describe(sub));
    }
    return sb.toString();
  }

  /** The short ACME error type ({@code rateLimited}), or empty for another URN. */
  static String type(Problem p) {
    String t = p == null ? "" : String.valueOf(p.getType());
    return t.startsWith(ACME_ERROR) ? t.substring(ACME_ERROR.length()) : "";
  }

  /** What to do about a problem whose type alone says it (the detail is the CA's). */
  private static String hint(String type) {
    return switch (type) {
      case "invalidProfile" -> "; the CA does not offer the configured profile: set profile: to one its directory "
          + "lists under meta.profiles, or remove it";
      case "rejectedIdentifier", "unsupportedIdentifier" -> "; the CA will not issue for this name or address: "
          + "check domains (Let's Encrypt issues IP addresses only on the shortlived profile)";
      default -> "";
    };
  }

  /** Whose side failed, for an exception out of acme4j. */
  static Kind kind(AcmeException e) {
    if (e instanceof AcmeRateLimitedException) {
      return Kind.RATE_LIMITED;
    }
    if (e instanceof AcmeServerException s) {
      String type = type(s.getProblem());
      if (type.equals("rateLimited")) {
        return Kind.RATE_LIMITED;
      }
      if (TRANSIENT.contains(type)) {
        return Kind.CA_UNREACHABLE;
      }
      return VALIDATION.contains(type) ? Kind.VALIDATION_FAILED : Kind.CA_REJECTED;
    }
    return Kind.CA_UNREACHABLE; // network errors, protocol confusion, timeouts
  }

  /** The exception as an {@link IssueException} of its kind, naming what was being done. */
  static IssueException failure(String doing, AcmeException e) {
    String why = e instanceof AcmeServerException s ? describe(s.getProblem()) + hint(type(s.getProblem()))
        : e instanceof AcmeNetworkException ? "the CA could not be reached (" + e.getMessage() + ")" : e.getMessage();
    Instant retryAfter = e instanceof AcmeRateLimitedException r ? r.getRetryAfter().orElse(null) : null;
    return new IssueException(kind(e), doing + ": " + why, retryAfter, e);
  }
}
