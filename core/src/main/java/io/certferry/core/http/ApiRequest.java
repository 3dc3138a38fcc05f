package io.certferry.core.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One call to an API: method, a path template such as {@code /v2/load_balancers/{lb_id}} with its
 * arguments, query parameters, headers, an optional JSON body, and the secrets it carries.
 *
 * <p>A request marks its secret values wherever they sit: {@link Builder#secretHeader a header},
 * {@link Builder#secretQuery a query value}, {@link Builder#secretFields a body field},
 * {@link Builder#sensitive every query value} or {@link Builder#secret any value} (a path argument,
 * say).
 * {@link HttpApi} scrubs every marked value (and its token and secret base URL) from whatever the
 * server answers, before any of it is cut, logged, thrown or handed back; see {@code Redactor}.
 *
 * <p>Logs and exceptions describe a request by its method and path, never its query, and never its
 * headers. A {@linkplain Builder#sensitive() sensitive} request (one that carries a secret in its URL,
 * as Netlify's certificate upload does) is described by its path <em>template</em> only.
 *
 * @since 0.1
 */
public final class ApiRequest {
  private final String method;
  private final String pathTemplate;
  private final List<String> pathArgs;
  private final Map<String, List<String>> query;
  private final Map<String, String> headers;
  private final Object body;
  private final Set<String> secrets;
  private final Set<String> secretFields;
  private final boolean sensitive;
  private final boolean answerHoldsPrivateKey;
  private final boolean idempotent;
  private final SlidingWindowLimiter limiter;

  private ApiRequest(Builder b) {
    this.method = b.method;
    this.pathTemplate = b.pathTemplate;
    this.pathArgs = List.copyOf(b.pathArgs);
    Map<String, List<String>> q = new LinkedHashMap<>();
    b.query.forEach((k, v) -> q.put(k, List.copyOf(v)));
    this.query = Collections.unmodifiableMap(q);
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(b.headers));
    this.body = b.body;
    this.sensitive = b.sensitive;
    this.answerHoldsPrivateKey = b.answerHoldsPrivateKey;
    Set<String> marked = new LinkedHashSet<>(b.secrets);
    if (sensitive) {
      query.values().forEach(marked::addAll);
    }
    this.secrets = Collections.unmodifiableSet(marked);
    this.secretFields = Set.copyOf(b.secretFields);
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
   * Headers this request adds to the ones {@link HttpApi} sends (Accept, User-Agent, Authorization).
   *
   * @since 0.1
   */
  public Map<String, String> headers() { return headers; }

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
   * Every value this request marked secret: secret headers and query values, values given to
   * {@link Builder#secret}, and for a sensitive request every query value. The
   * values of {@link #secretFields()} are added by {@link HttpApi} when it writes the body.
   *
   * @since 0.1
   */
  public Set<String> secrets() { return secrets; }

  /**
   * Names of body fields whose values are secrets, at any depth of the JSON body.
   *
   * @since 0.1
   */
  public Set<String> secretFields() { return secretFields; }

  /**
   * Whether the 2xx answer is meant to hold a private key (a key download): it is then not scrubbed of PEM keys.
   *
   * @since 0.1
   */
  public boolean answerHoldsPrivateKey() { return answerHoldsPrivateKey; }

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
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private final Set<String> secretFields = new LinkedHashSet<>();
    private Object body;
    private boolean sensitive;
    private boolean answerHoldsPrivateKey;
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
     * Adds a query parameter whose value is a secret: it is scrubbed from anything the server answers.
     *
     * @since 0.1
     */
    public Builder secretQuery(String name, String value) {
      secrets.add(Objects.requireNonNull(value, "value"));
      return query(name, value);
    }

    /**
     * Sets a header (never logged).
     *
     * @since 0.1
     */
    public Builder header(String name, String value) {
      headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets a header whose value is a secret, e.g. an API key header.
     *
     * @since 0.1
     */
    public Builder secretHeader(String name, String value) {
      secrets.add(Objects.requireNonNull(value, "value"));
      return header(name, value);
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
     * The values of these body fields are secrets wherever they sit in the JSON body, e.g.
     * {@code secretFields("private_key")} for a certificate upload.
     *
     * @since 0.1
     */
    public Builder secretFields(String... fieldNames) {
      secretFields.addAll(List.of(fieldNames));
      return this;
    }

    /**
     * Marks values this request carries anywhere (a path argument, part of a body) as secrets.
     *
     * @since 0.1
     */
    public Builder secret(String... values) {
      for (String v : values) {
        secrets.add(Objects.requireNonNull(v, "secret"));
      }
      return this;
    }

    /**
     * The URL carries a secret: every query value is marked secret, and the request is described by its
     * path template only (mark a secret path argument with {@link #secret}).
     *
     * @since 0.1
     */
    public Builder sensitive() {
      this.sensitive = true;
      return this;
    }

    /**
     * The 2xx answer is meant to hold a private key (a key download). Without this, PEM private-key
     * blocks are scrubbed from every answer, as from every error.
     *
     * @since 0.1
     */
    public Builder answerHoldsPrivateKey() {
      this.answerHoldsPrivateKey = true;
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
