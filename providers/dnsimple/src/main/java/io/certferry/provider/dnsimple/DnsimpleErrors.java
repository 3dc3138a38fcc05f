package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns a DNSimple error answer into one message that says what to fix. */
final class DnsimpleErrors {
  private static final int MAX_SERVER_TEXT = 300;

  private DnsimpleErrors() {}

  /**
   * The exception for an error answer.
   *
   * @param action what was being done, e.g. {@code creating TXT record "_acme-challenge" in zone example.com}
   * @param notFound what a 404 means for this request and how to fix it
   */
  static DnsimpleApiException map(DnsimpleTransport.Reply reply, String action, String notFound, String account,
                                  ObjectMapper json) {
    String said = serverText(reply.body(), json);
    String msg = switch (reply.status()) {
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
      case 429 -> "DNSimple's rate limit for account " + account + " was still exhausted after waiting, while "
          + action + " (HTTP 429" + said + "); retry after the hourly window resets";
      default -> reply.status() >= 500
          ? "DNSimple failed while " + action + " (HTTP " + reply.status() + said + "); retry later"
          : "DNSimple answered HTTP " + reply.status() + said + " while " + action;
    };
    return new DnsimpleApiException(reply.status(), msg);
  }

  /** ": message: field: problem, problem; field: problem" or "" when the body holds nothing readable. */
  private static String serverText(String body, ObjectMapper json) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      DnsimpleApi.Error e = json.readValue(body, DnsimpleApi.Error.class);
      List<String> parts = new ArrayList<>();
      if (e.message() != null && !e.message().isBlank()) {
        parts.add(e.message().strip());
      }
      parts.addAll(fieldErrors(e.errors()));
      return parts.isEmpty() ? "" : ": " + clip(String.join("; ", parts));
    } catch (java.io.IOException notJson) {
      return "";
    }
  }

  /** DNSimple sends {@code errors} as {field: [problems]} (and sometimes {field: {errors: [...]}}). */
  private static List<String> fieldErrors(JsonNode errors) {
    List<String> out = new ArrayList<>();
    if (errors == null || !errors.isObject()) {
      return out;
    }
    for (Map.Entry<String, JsonNode> field : errors.properties()) {
      JsonNode v = field.getValue();
      JsonNode list = v.isObject() && v.has("errors") ? v.get("errors") : v;
      List<String> problems = new ArrayList<>();
      if (list.isArray()) {
        list.forEach(p -> problems.add(p.asText()));
      } else if (list.isValueNode()) {
        problems.add(list.asText());
      }
      out.add(field.getKey() + ": " + String.join(", ", problems));
    }
    return out;
  }

  private static String clip(String s) {
    String oneLine = s.replaceAll("\\s+", " ");
    return oneLine.length() <= MAX_SERVER_TEXT ? oneLine : oneLine.substring(0, MAX_SERVER_TEXT) + "...";
  }
}
