package io.certferry.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Optional;

/**
 * What an API said in an error answer, read from a body the redactor has already scrubbed: an error
 * id, a message and the request id support asks for. Understands the shapes of the APIs Certferry
 * talks to: DigitalOcean's {@code {id, message, request_id}}, DNSimple's {@code {message, errors:
 * {field: [...]}}}, Netlify's {@code {code, message}}, RFC 9457 problem documents ({@code type},
 * {@code detail}) as ACME servers send them, and plain text (cut after {@value #MAX_TEXT} characters,
 * HTML ignored). The {@code x-request-id} header counts when the body has no request id. Messages are
 * made one line (they end up in a status table and in log lines) and JSON ones cut after
 * {@value #MAX_MESSAGE} characters.
 */
record ErrorBody(String id, String message, String requestId) {
  static final ErrorBody NOTHING = new ErrorBody(null, null, null);
  /** Plain-text bodies are cut here; the cut happens after scrubbing, so no part of a secret survives it. */
  static final int MAX_TEXT = 200;
  static final int MAX_MESSAGE = 500;

  static ErrorBody read(Answer answer, ObjectMapper mapper) {
    String headerId = clip(answer.header("x-request-id"));
    String text = answer.text().strip();
    try {
      JsonNode n = mapper.readTree(text);
      if (n != null && n.isObject()) {
        String message = firstText(n, "message", "detail", "error_description");
        String errors = errors(n.get("errors"));
        if (errors != null) {
          message = message == null ? errors : message + " (" + errors + ")";
        }
        String requestId = text(n.get("request_id"));
        return new ErrorBody(firstText(n, "id", "type"), oneLine(message, MAX_MESSAGE),
            requestId != null ? clip(requestId) : headerId);
      }
    } catch (IOException | RuntimeException notJson) {
      // read as text below
    }
    return new ErrorBody(null, text.isEmpty() || text.startsWith("<") ? null : oneLine(text, MAX_TEXT), headerId);
  }

  /** {@code HTTP 404 not_found: The resource ...}. */
  String summary(int status) {
    return "HTTP " + status + (id == null ? "" : " " + id) + (message == null ? "" : ": " + message);
  }

  /** {@link #summary} and the request id: what the server said, as a provider quotes it. */
  String answer(int status) { return summary(status) + requestIdNote().map(n -> " (" + n + ")").orElse(""); }

  Optional<String> requestIdNote() { return Optional.ofNullable(requestId).map(r -> "request id " + r); }

  private static String firstText(JsonNode n, String... fields) {
    for (String f : fields) {
      String t = text(n.get(f));
      if (t != null && !t.isBlank()) {
        return t;
      }
    }
    return null;
  }

  private static String clip(String s) { return oneLine(s, 100); }

  /** Whitespace runs (line breaks included) as one space, cut after {@code max} characters. */
  private static String oneLine(String s, int max) {
    if (s == null) {
      return null;
    }
    String line = s.strip().replaceAll("\\s+", " ");
    return line.length() <= max ? line : line.substring(0, max) + "...";
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.isValueNode() ? n.asText() : n.toString();
  }

  /** DNSimple's {"field": ["msg", ...]}, or a list of strings or {message} objects. */
  private static String errors(JsonNode n) {
    if (n == null || n.isNull() || n.isEmpty()) {
      return null;
    }
    StringBuilder out = new StringBuilder();
    if (n.isObject()) {
      n.fields().forEachRemaining(e -> {
        out.append(out.length() == 0 ? "" : "; ").append(e.getKey()).append(": ");
        out.append(e.getValue().isArray() ? join(e.getValue()) : text(e.getValue()));
      });
    } else if (n.isArray()) {
      out.append(join(n));
    } else {
      out.append(n.asText());
    }
    return out.toString();
  }

  private static String join(JsonNode array) {
    StringBuilder out = new StringBuilder();
    for (JsonNode e : array) {
      String t = e.isObject() && e.has("message") ? e.get("message").asText() : text(e);
      out.append(out.length() == 0 ? "" : ", ").append(t);
    }
    return out.toString();
  }
}
