package io.certferry.core.issue.acme;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certferry.core.issue.IssueException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * http-01 through a built-in HTTP server (the JDK's), started while at least one challenge is
 * pending and stopped when the last is cleaned up. It answers only
 * {@code GET /.well-known/acme-challenge/<token>} for tokens it holds; everything else is 404.
 *
 * <p>All solvers of one JVM that listen on the same address share one server, so certificates
 * issued in parallel (the agent) or by issuers created one after another never fight over port 80.
 * The server lingers {@link #LINGER} after the last cleanup before it stops, so back-to-back orders
 * do not pay the JDK server's stop time (up to a second) each; {@link #close()} withdraws this
 * solver's challenges and stops the server at once when no other solver needs it.
 *
 * @since 0.1
 */
public final class Http01StandaloneSolver implements ChallengeSolver, AutoCloseable {
  static final String PREFIX = "/.well-known/acme-challenge/";
  /** How long the server stays up after the last pending challenge is cleaned up. */
  public static final Duration LINGER = Duration.ofSeconds(2);
  private static final ScheduledExecutorService STOPPER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "certferry-http01-stop");
    t.setDaemon(true);
    return t;
  });
  private static final Map<InetSocketAddress, Listener> LISTENERS = new ConcurrentHashMap<>();

  private final InetSocketAddress address;
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();

  /** A solver listening on {@code address} (default in the CLI: all interfaces, port 80). */
  public Http01StandaloneSolver(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public String type() { return "http-01"; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    LISTENERS.computeIfAbsent(address, Listener::new).add(challenge.token(), challenge.keyAuthorization());
    tokens.add(challenge.token());
    return p -> release(challenge.token());
  }

  private void release(String token) {
    tokens.remove(token);
    Listener l = LISTENERS.get(address);
    if (l != null) {
      l.remove(token, false);
    }
  }

  /**
   * Stops now, instead of after {@link #LINGER}, every server of this JVM that has no challenge pending: for a
   * process about to exit, whose JVM would otherwise wait 300 ms for the server's thread blocked in the kernel.
   *
   * @since 0.1
   */
  public static void stopIdleServers() {
    LISTENERS.values().forEach(Listener::stopNowIfIdle);
  }

  /** Withdraws this solver's challenges; stops the server now if no other solver has any pending. */
  @Override
  public void close() {
    Listener l = LISTENERS.get(address);
    for (String token : tokens) {
      if (l != null) {
        l.remove(token, true);
      }
    }
    tokens.clear();
    if (l != null) {
      l.stopNowIfIdle();
    }
  }

  /** One JDK server on one address, shared by every solver of the JVM that listens there. */
  private static final class Listener {
    private final InetSocketAddress address;
    private final Map<String, String> responses = new ConcurrentHashMap<>();
    private HttpServer server; // guarded by this
    private ScheduledFuture<?> pendingStop; // guarded by this

    Listener(InetSocketAddress address) { this.address = address; }

    synchronized void add(String token, String keyAuthorization) throws IssueException {
      if (pendingStop != null) {
        pendingStop.cancel(false);
        pendingStop = null;
      }
      if (server == null) {
        server = start();
      }
      responses.put(token, keyAuthorization);
    }

    synchronized void remove(String token, boolean quiet) {
      responses.remove(token);
      if (!quiet && responses.isEmpty() && server != null && pendingStop == null) {
        pendingStop = STOPPER.schedule(this::stopNowIfIdle, LINGER.toMillis(), TimeUnit.MILLISECONDS);
      }
    }

    void stopNowIfIdle() {
      HttpServer toStop;
      synchronized (this) {
        if (pendingStop != null) {
          pendingStop.cancel(false);
          pendingStop = null;
        }
        if (!responses.isEmpty() || server == null) {
          return;
        }
        toStop = server;
        server = null;
      }
      toStop.stop(0);
    }

    private HttpServer start() throws IssueException {
      try {
        HttpServer s = bind();
        s.createContext("/", this::handle);
        s.start();
        return s;
      } catch (IOException e) {
        throw new IssueException(IssueException.Kind.LOCAL, "http-01: cannot listen on " + address.getHostString() + ":" + address.getPort()
            + " (" + e.getMessage() + "); free the port, pick another with --http-port, or use --webroot", e);
      }
    }

    /** Binds, retrying briefly: a server stopped a moment ago may still hold the port. */
    private HttpServer bind() throws IOException {
      for (int attempt = 0; ; attempt++) {
        try {
          return HttpServer.create(address, 64);
        } catch (BindException e) {
          if (attempt >= 10) {
            throw e;
          }
          try {
            Thread.sleep(50);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
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
}
