package io.certferry.core.issue.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certferry.core.issue.IssueException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * http-01 through a built-in HTTP server (the JDK's), started while at least one challenge is
 * pending and stopped when the last is cleaned up. It answers only
 * {@code GET /.well-known/acme-challenge/<token>} for tokens it holds; everything else is 404.
 */
public final class Http01StandaloneSolver implements ChallengeSolver {
  static final String PREFIX = "/.well-known/acme-challenge/";

  private final InetSocketAddress address;
  private final Map<String, String> responses = new ConcurrentHashMap<>();
  private HttpServer server; // guarded by this

  /** A solver listening on {@code address} (default in the CLI: all interfaces, port 80). */
  public Http01StandaloneSolver(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public String type() { return "http-01"; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    synchronized (this) {
      if (server == null) {
        server = start();
      }
      responses.put(challenge.token(), challenge.keyAuthorization());
    }
    return p -> release(challenge.token());
  }

  private synchronized void release(String token) {
    responses.remove(token);
    if (responses.isEmpty() && server != null) {
      server.stop(0);
      server = null;
    }
  }

  private HttpServer start() throws IssueException {
    try {
      HttpServer s = HttpServer.create(address, 64);
      s.createContext("/", this::handle);
      s.start();
      return s;
    } catch (IOException e) {
      throw new IssueException("http-01: cannot listen on " + address.getHostString() + ":" + address.getPort()
          + " (" + e.getMessage() + "); free the port, pick another with --http-port, or use --webroot", e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body = path.startsWith(PREFIX) && "GET".equals(exchange.getRequestMethod())
          ? responses.get(path.substring(PREFIX.length())) : null;
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
