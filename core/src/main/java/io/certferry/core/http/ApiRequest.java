package io.certferry.core.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One call to an API: method, a path template such as {@code /v2/load_balancers/{lb_id}} with its
 * arguments, query parameters, an optional JSON body.
 *
 * <p>Logs and exceptions describe a request by its method and path, never its query, and never its
 * headers. A {@linkplain Builder#sensitive() sensitive} request (one that carries a secret in its URL,
 * as Netlify's certificate upload does) is described by its path <em>template</em> only, and the
 * values of its query parameters are scrubbed from any error text the server echoes back.
 *
 * @since 0.1
 */
public final class ApiRequest {
  private final String method;
  private final String pathTemplate;
  private final List<String> pathArgs;
  private final Map<String, List<String>> query;
  private final Object body;
  private final boolean sensitive;
  private final boolean idempotent;
  private final SlidingWindowLimiter limiter;

  private ApiRequest(Builder b) {
    this.method = b.method;
    this.pathTemplate = b.pathTemplate;
    this.pathArgs = List.copyOf(b.pathArgs);
    Map<String, List<String>> q = new LinkedHashMap<>();
    b.query.forEach((k, v) -> q.put(k, List.copyOf(v)));
    this.query = java.util.Collections.unmodifiableMap(q);
    this.body = b.body;
    this.sensitive = b.sensitive;
    this.idempotent = b.idempotent != null ? b.idempotent : !method.equals("POST") && !method.equals("PATCH");
    this.limiter = b.limiter;
    long placeholders = pathTemplate.chars().filter(c -> c == '{').count();
    if (placeholders != pathArgs.size()) {
      throw new IllegalArgumentException("path " + pathTemplate + " has " + placeholders
          + " placeholders but " + pathArgs.size() + " arguments were given");
    }
  }

  /**
   * A GET of {@code pathTemplate} with its {@code {}} placeholders filled from {@code pathArgs} (escaped).
   *
   * @since 0.1
   */
  public static Builder get(String pathTemplate, Object... pathArgs) { return new Builder("GET", pathTemplate, pathArgs); }

  /**
   * A POST of {@code pathTemplate} with its {@code {}} placeholders filled from {@code pathArgs} (escaped).
   *
   * @since 0.1
   */
  public static Builder post(String pathTemplate, Object... pathArgs) { return new Builder("POST", pathTemplate, pathArgs); }

  /**
   * A PUT of {@code pathTemplate} with its {@code {}} placeholders filled from {@code pathArgs} (escaped).
   *
   * @since 0.1
   */
  public static Builder put(String pathTemplate, Object... pathArgs) { return new Builder("PUT", pathTemplate, pathArgs); }

  /**
   * A PATCH of {@code pathTemplate} with its {@code {}} placeholders filled from {@code pathArgs} (escaped).
   *
   * @since 0.1
   */
  public static Builder patch(String pathTemplate, Object... pathArgs) { return new Builder("PATCH", pathTemplate, pathArgs); }

  /**
   * A DELETE of {@code pathTemplate} with its {@code {}} placeholders filled from {@code pathArgs} (escaped).
   *
   * @since 0.1
   */
  public static Builder delete(String pathTemplate, Object... pathArgs) { return new Builder("DELETE", pathTemplate, pathArgs); }

  /**
   * The HTTP method.
   *
   * @since 0.1
   */
  public String method() { return method; }

  /**
   * The path with {@code {}} placeholders, as logs show it.
   *
   * @since 0.1
   */
  public String pathTemplate() { return pathTemplate; }

  /**
   * The values of the path's placeholders.
   *
   * @since 0.1
   */
  public List<String> pathArgs() { return pathArgs; }

  /**
   * The query parameters.
   *
   * @since 0.1
   */
  public Map<String, List<String>> query() { return query; }

  /**
   * The JSON body, if any.
   *
   * @since 0.1
   */
  public Optional<Object> body() { return Optional.ofNullable(body); }

  /**
   * Whether the body carries a secret (a private key): it is then never logged.
   *
   * @since 0.1
   */
  public boolean isSensitive() { return sensitive; }

  /**
   * Whether a server error or a broken connection may be retried without risking a second effect.
   *
   * @since 0.1
   */
  public boolean isIdempotent() { return idempotent; }

  /**
   * The client-side rate limit this request counts against, if any.
   *
   * @since 0.1
   */
  public Optional<SlidingWindowLimiter> limiter() { return Optional.ofNullable(limiter); }

  /**
   * What logs and exception messages say about this request: method and path (template only when
   * sensitive); never the query string.
   *
   * @since 0.1
   */
  public String describe() {
    if (sensitive) {
      return method + " " + pathTemplate;
    }
    StringBuilder out = new StringBuilder(method).append(' ');
    int arg = 0;
    for (int i = 0; i < pathTemplate.length(); i++) {
      char c = pathTemplate.charAt(i);
      if (c == '{') {
        int end = pathTemplate.indexOf('}', i);
        out.append(pathArgs.get(arg++));
        i = end;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  @Override
  public String toString() { return "ApiRequest{" + describe() + "}"; }

  /**
   * Builds an {@link ApiRequest}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final String method;
    private final String pathTemplate;
    private final List<String> pathArgs = new ArrayList<>();
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private Object body;
    private boolean sensitive;
    private Boolean idempotent;
    private SlidingWindowLimiter limiter;

    private Builder(String method, String pathTemplate, Object... args) {
      this.method = method.toUpperCase(Locale.ROOT);
      this.pathTemplate = Objects.requireNonNull(pathTemplate, "pathTemplate");
      if (!pathTemplate.startsWith("/")) {
        throw new IllegalArgumentException("path template must start with '/': " + pathTemplate);
      }
      for (Object a : args) {
        pathArgs.add(String.valueOf(Objects.requireNonNull(a, "path argument")));
      }
    }

    /**
     * Adds a query parameter (repeatable).
     *
     * @since 0.1
     */
    public Builder query(String name, Object value) {
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(String.valueOf(value));
      return this;
    }

    /**
     * A JSON body: a Jackson tree, a record/POJO, or a map.
     *
     * @since 0.1
     */
    public Builder body(Object jsonBody) {
      this.body = jsonBody;
      return this;
    }

    /**
     * The URL carries a secret: never log or report it, nor echo its query values back.
     *
     * @since 0.1
     */
    public Builder sensitive() {
      this.sensitive = true;
      return this;
    }

    /**
     * Overrides whether the call may be repeated after a 5xx or broken connection (default: all but POST/PATCH).
     *
     * @since 0.1
     */
    public Builder idempotent(boolean idempotent) {
      this.idempotent = idempotent;
      return this;
    }

    /**
     * Waits for a slot of this client-side limiter before each attempt.
     *
     * @since 0.1
     */
    public Builder limitedBy(SlidingWindowLimiter limiter) {
      this.limiter = limiter;
      return this;
    }

    /**
     * The request.
     *
     * @since 0.1
     */
    public ApiRequest build() { return new ApiRequest(this); }
  }
}
