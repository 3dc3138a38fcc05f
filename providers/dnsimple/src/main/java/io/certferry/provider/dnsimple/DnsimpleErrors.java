package io.certferry.provider.dnsimple;

import io.certferry.core.http.HttpApiException;

/** Turns a failed DNSimple call into one message that says what to fix. */
final class DnsimpleErrors {
  private static final int MAX_SERVER_TEXT = 300;

  private DnsimpleErrors() {}

  /**
   * The exception for a failed call. The shared HTTP layer has already retried what may be retried,
   * waited out rate limits within its budget and scrubbed the token from the server's message.
   *
   * @param action what was being done, e.g. {@code creating TXT record "_acme-challenge" in zone example.com}
   * @param notFound what a 404 means for this request and how to fix it
   */
  static DnsimpleApiException map(HttpApiException e, String action, String notFound, String account) {
    String said = e.apiMessage().map(m -> ": " + clip(m)).orElse("")
        + e.requestId().map(id -> ", request id " + id).orElse("");
    int status = e.status();
    String msg = switch (status) {
      case 0 -> "network failure while " + action + " (" + e.getMessage() + "); check connectivity to DNSimple"
          + " and `baseUrl`, then retry";
      case 400 -> "DNSimple rejected " + action + " (HTTP 400" + said + "); correct the values named above";
      case 401 -> "DNSimple rejected the API token while " + action + " (HTTP 401" + said + "): the token is"
          + " wrong, revoked or expired; point `token` at a valid DNSimple account token";
      case 403 -> "DNSimple refused " + action + " (HTTP 403" + said + "): the token may not act on account "
          + account + "; use an account token of that account, or give the user access to it";
      case 402 -> "DNSimple account " + account + " is not subscribed or not in good standing (HTTP 402" + said
          + ") while " + action + "; settle the subscription or invoices in the DNSimple dashboard";
      case 412 -> "DNSimple's plan for account " + account + " does not allow " + action + " (HTTP 412" + said
          + "); upgrade the plan or use a feature it includes";
      case 404 -> notFound + " (HTTP 404" + said + ")";
      case 429 -> e.resumeAt().isPresent()
          ? "DNSimple's rate limit for account " + account + " is used up, so " + action + " was not sent ("
              + e.answer() + ")"
          : "DNSimple's rate limit for account " + account + " stayed exhausted longer than Certferry waits,"
          + " while " + action + " (HTTP 429" + said + e.retryAfter().map(d -> ", resets in " + d.toSeconds() + " s")
          .orElse("") + "); retry after the hourly window resets";
      default -> status >= 200 && status < 300
          ? "DNSimple answered " + action + " with a body that is not the expected JSON; check `baseUrl` points"
              + " at the DNSimple API v2"
          : status >= 500
              ? "DNSimple failed while " + action + " (HTTP " + status + said + ", after retries); retry later"
              : "DNSimple answered HTTP " + status + said + " while " + action;
    };
    return new DnsimpleApiException(status, msg, e);
  }

  private static String clip(String s) {
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_SERVER_TEXT ? oneLine : oneLine.substring(0, MAX_SERVER_TEXT) + "...";
  }
}
