package io.certferry.agent.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.certferry.agent.cli.LineageStatus;
import io.certferry.core.store.CertificateStore;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's HTTP listener (loopback by default): {@code /healthz} (the process answers),
 * {@code /readyz} (a pass finished and nothing is expired), {@code /status} (the {@code list --json}
 * document, targets included) and {@code /metrics} (Prometheus text).
 */
public final class AgentHttpServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

  private final HttpServer server;
  private final ExecutorService executor;

  private AgentHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code host:port} (port 0: any free port) and starts serving. */
  public static AgentHttpServer start(String host, int port, AgentState state, AgentMetrics metrics,
                                      CertificateStore store, Clock clock) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "certferry-http");
      t.setDaemon(true);
      return t;
    });
    s.setExecutor(ex);
    s.createContext("/healthz", h -> reply(h, 200, "text/plain; charset=utf-8", "ok\n"));
    s.createContext("/readyz", h -> {
      boolean ready = state.ready();
      reply(h, ready ? 200 : 503, "text/plain; charset=utf-8", ready ? "ready\n"
          : state.lastPass().isEmpty() ? "first pass not finished\n" : "a certificate is expired or missing\n");
    });
    s.createContext("/status", h -> reply(h, 200, "application/json",
        JSON.writeValueAsString(LineageStatus.of(io.certferry.core.CertManager.status(store, clock.instant()))) + "\n"));
    s.createContext("/metrics", h -> reply(h, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    s.start();
    return new AgentHttpServer(s, ex);
  }

  /** The bound port (useful with port 0). */
  public int port() { return server.getAddress().getPort(); }

  private static void reply(HttpExchange h, int code, String type, String body) throws IOException {
    try (h) {
      if (!h.getRequestMethod().equals("GET") && !h.getRequestMethod().equals("HEAD")) {
        h.getResponseHeaders().set("Allow", "GET, HEAD");
        h.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      h.getResponseHeaders().set("Content-Type", type);
      h.sendResponseHeaders(code, h.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
      if (!h.getRequestMethod().equals("HEAD")) {
        try (OutputStream out = h.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
