package io.certferry.core.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A successful (2xx) answer: status, headers (names case-insensitive) and body, already scrubbed of
 * every secret the request carried (and of PEM private keys, unless the request was a key download).
 *
 * @since 0.1
 */
public final class ApiResponse {
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;
  private final ObjectMapper mapper;
  private final String describedRequest;

  ApiResponse(int status, Map<String, List<String>> headers, byte[] body, ObjectMapper mapper, String describedRequest) {
    this.status = status;
    TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    this.headers = Collections.unmodifiableMap(h);
    this.body = body.clone();
    this.mapper = mapper;
    this.describedRequest = describedRequest;
  }

  /**
   * The HTTP status code.
   *
   * @since 0.1
   */
  public int status() { return status; }

  /**
   * Every header, names case-insensitive.
   *
   * @since 0.1
   */
  public Map<String, List<String>> headers() { return headers; }

  /**
   * The first value of a header.
   *
   * @since 0.1
   */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  /**
   * The body as UTF-8 text.
   *
   * @since 0.1
   */
  public String bodyText() { return new String(body, StandardCharsets.UTF_8); }

  /**
   * The body as a JSON tree; a missing node when the body is empty (204).
   *
   * @since 0.1
   */
  public JsonNode json() throws HttpApiException {
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return mapper.readTree(body);
    } catch (IOException e) {
      throw HttpApiException.unreadable(describedRequest, status, "the answer is not JSON (" + e.getClass().getSimpleName() + ")");
    }
  }

  /**
   * The body bound to a type (unknown properties ignored).
   *
   * @since 0.1
   */
  public <T> T as(Class<T> type) throws HttpApiException {
    try {
      return mapper.readValue(body, type);
    } catch (IOException e) {
      throw HttpApiException.unreadable(describedRequest, status,
          "the answer does not read as " + type.getSimpleName() + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  @Override
  public String toString() { return "ApiResponse{" + describedRequest + " -> " + status + ", " + body.length + " bytes}"; }
}
