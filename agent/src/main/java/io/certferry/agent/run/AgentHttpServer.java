package io.certferry.agent.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.certferry.agent.cli.LineageStatus;
import io.certferry.agent.config.AgentConfig;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.Secrets;
import io.certferry.core.store.CertificateStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The agent's HTTP listener (loopback by default): {@code /} (the status page, {@link StatusPage}),
 * {@code /healthz} (the process answers), {@code /readyz} (a pass finished and nothing is expired; in a fleet,
 * whether this agent leads or stands by, and which certificates it owns), {@code /status} (the {@code list --json}
 * document, targets included) and {@code /metrics} (Prometheus text). Exact paths only; anything else is 404.
 * Optional basic auth ({@code http.auth}) guards all but the probes.
 *
 * <p>It runs on Jetty's core API (no servlets): requests are read by a selector without holding a
 * thread, so clients that send their request slowly cannot occupy the handler threads; each request
 * head must arrive within {@link Limits#requestHead()} and connections are bounded, so they cannot
 * hold connections either.
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What the listener tolerates.
   *
   * @param requestHead how long a connection may take to deliver a complete request head
   * @param maxConnections connections held at once; more wait in the kernel's queue until one closes
   * @param idle how long a connection may be silent (between requests, or not reading an answer)
   */
  record Limits(Duration requestHead, int maxConnections, Duration idle) {
    /** A scrape or a status page needs a few connections; a request head is a few hundred bytes. */
    static final Limits DEFAULT = new Limits(Duration.ofSeconds(10), 64, Duration.ofSeconds(30));
  }

  private final Server server;
  private final ServerConnector connector;
  private final NetworkConnectionLimit connections;

  private AgentHttpServer(Server server, ServerConnector connector, NetworkConnectionLimit connections) {
    this.server = server;
    this.connector = connector;
    this.connections = connections;
  }

  /** Binds {@code host:port} (port 0: any free port) and starts serving the agent's routes on {@code store}. */
  public static AgentHttpServer start(String host, int port, AgentState state, AgentMetrics metrics,
                                      CertificateStore store, Clock clock) throws IOException {
    state.storeOpened(store);
    return start(host, port, state, metrics, clock);
  }

  /** Binds and serves the agent's routes on the store {@code state} has, once it is open. */
  public static AgentHttpServer start(String host, int port, AgentState state, AgentMetrics metrics, Clock clock)
      throws IOException {
    return start(host, port, routes(state, metrics, new RecentEvents(), clock), Limits.DEFAULT, Optional.empty());
  }

  /**
   * Binds and serves the agent's routes, the status page showing {@code events}; with {@code auth} (user, resolved
   * password), every route but the probes asks for basic auth.
   */
  public static AgentHttpServer start(String host, int port, AgentState state, AgentMetrics metrics, RecentEvents events,
                                      Clock clock, Optional<Map.Entry<String, String>> auth) throws IOException {
    return start(host, port, routes(state, metrics, events, clock), Limits.DEFAULT,
        auth.map(a -> new BasicAuthGate(a.getKey(), a.getValue())));
  }

  /**
   * Binds {@code http.listen} and serves the agent's routes; with {@code http.auth}, its password is resolved by
   * {@code secrets} now, once, and held only to compare.
   *
   * @throws IllegalArgumentException naming the reference (never a value) when the password cannot be resolved
   */
  public static AgentHttpServer start(AgentConfig.Http http, Secrets secrets, AgentState state, AgentMetrics metrics,
                                      RecentEvents events, Clock clock) throws IOException {
    return start(http.host(), http.port(), state, metrics, events, clock, credentials(http, secrets));
  }

  /**
   * {@code http.auth}'s user and password, the password resolved by {@code secrets}; empty without {@code http.auth}.
   *
   * @throws IllegalArgumentException naming the reference (never a value) when the password cannot be resolved
   */
  public static Optional<Map.Entry<String, String>> credentials(AgentConfig.Http http, Secrets secrets) {
    return http.auth().map(a -> Map.entry(a.user(), secrets.resolve(a.passwordReference())));
  }

  /** The agent's routes on {@code store}; a page is one more {@link HttpRoutes#get}. */
  static HttpRoutes routes(AgentState state, AgentMetrics metrics, CertificateStore store, Clock clock) {
    state.storeOpened(store);
    return routes(state, metrics, new RecentEvents(), clock);
  }

  static HttpRoutes routes(AgentState state, AgentMetrics metrics, RecentEvents events, Clock clock) {
    return new HttpRoutes()
        .get("/", () -> state.store().isEmpty() ? HttpRoutes.Reply.text(503, state.readiness().text() + "\n")
            : new HttpRoutes.Reply(200, "text/html; charset=utf-8", StatusPage.render(
                CertManager.status(state.store().get(), clock.instant()), state.store().get(), events.latest(),
                state.lastPass().map(ReconcileReport::finishedAt), clock.instant())))
        .get("/healthz", () -> HttpRoutes.Reply.text(200, "ok\n"))
        .get("/readyz", () -> {
          AgentState.Readiness r = state.readiness();
          return HttpRoutes.Reply.text(r.ready() ? 200 : 503, r.text() + "\n");
        })
        .get("/status", () -> state.store().isEmpty() ? HttpRoutes.Reply.text(503, state.readiness().text() + "\n")
            : new HttpRoutes.Reply(200, "application/json", JSON.writeValueAsString(
                LineageStatus.of(CertManager.status(state.store().get(), clock.instant()))) + "\n"))
        .get("/metrics", () -> new HttpRoutes.Reply(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
  }

  /** The address {@code host:port} names, resolved as the listener binds it (unresolved when the name is unknown). */
  static InetSocketAddress address(String host, int port) { return new InetSocketAddress(host, port); }

  /** Binds and serves {@code routes} within {@code limits}. */
  static AgentHttpServer start(String host, int port, HttpRoutes routes, Limits limits) throws IOException {
    return start(host, port, routes, limits, Optional.empty());
  }

  private static AgentHttpServer start(String host, int port, HttpRoutes routes, Limits limits,
                                       Optional<BasicAuthGate> auth) throws IOException {
    if (address(host, port).isUnresolved()) {
      throw new IOException("cannot listen on " + host + ":" + port + ": the name " + host + " does not resolve; set "
          + "http.listen to an address of this machine, e.g. 127.0.0.1:9595");
    }
    // Few threads: the selector reads requests; handlers only format text already in memory or in the store.
    QueuedThreadPool threads = new QueuedThreadPool(8, 2);
    threads.setName("certferry-http");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(limits.idle().toMillis());
    RequestDeadline deadline = new RequestDeadline(server.getScheduler(), limits.requestHead());
    connector.addBean(deadline);
    server.addConnector(connector);
    NetworkConnectionLimit connections = new NetworkConnectionLimit(limits.maxConnections(), connector);
    server.addBean(connections);
    ErrorHandler errors = new ErrorHandler();
    errors.setDefaultResponseMimeType("text/plain");
    errors.setShowStacks(false);
    server.setErrorHandler(errors);
    server.setHandler(new RouteHandler(routes, deadline, auth));
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly(server);
      throw new IOException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "); set http.listen to a free "
          + "address, e.g. 127.0.0.1:9595, or http.enabled: false", e);
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("the HTTP listener did not start: " + e, e);
    }
    return new AgentHttpServer(server, connector, connections);
  }

  /** The bound port (useful with port 0). */
  public int port() { return connector.getLocalPort(); }

  /** Connections held now (at most {@link Limits#maxConnections()}). */
  int openConnections() { return connections.getNetworkConnectionCount(); }

  @Override
  public void close() { stopQuietly(server); }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping a listener that failed to start, or during shutdown: nothing left to do
    }
  }
}
