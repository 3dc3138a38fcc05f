package io.certferry.agent.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The listener's routes: each an exact path (no prefix matching, so {@code /healthzX} is not
 * {@code /healthz}) answered for GET and HEAD. Adding a page is one {@link #get} call.
 */
final class HttpRoutes {
  /** What a route answers: status, content type and body text (sent as UTF-8). */
  record Reply(int status, String contentType, String body) {
    static Reply text(int status, String body) { return new Reply(status, "text/plain; charset=utf-8", body); }
  }

  /** Answers one request to its path. */
  @FunctionalInterface
  interface Route {
    Reply answer() throws Exception;
  }

  private final Map<String, Route> byPath = new LinkedHashMap<>();

  /** Adds {@code path} (exact, starting with {@code /}); a path given twice is a programming error. */
  HttpRoutes get(String path, Route route) {
    if (!path.startsWith("/") || byPath.putIfAbsent(path, route) != null) {
      throw new IllegalArgumentException("route " + path + " is not a path or is there already");
    }
    return this;
  }

  Optional<Route> find(String path) { return Optional.ofNullable(byPath.get(path)); }

  /** The paths in the order they were added, for "no such path" answers. */
  Set<String> paths() { return Collections.unmodifiableSet(byPath.keySet()); }
}
