package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.FileStore;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener answers exact paths only, and slow or silent clients cannot keep it from answering. */
class AgentHttpServerTest {
  /** How long a request to a healthy listener may take here; a stalled one takes as long as the slow clients stay. */
  static final Duration ANSWER_BOUND = Duration.ofSeconds(5);

  @TempDir
  Path tmp;

  final HttpClient http = HttpClient.newBuilder().connectTimeout(ANSWER_BOUND).build();
  final ScheduledExecutorService dribble = Executors.newScheduledThreadPool(1);
  /** One thread per socket read: the common pool has a single thread on a two-core machine. */
  final ExecutorService readers = Executors.newCachedThreadPool();
  final List<Socket> sockets = new ArrayList<>();

  @AfterEach
  void stop() throws IOException {
    dribble.shutdownNow();
    for (Socket s : sockets) {
      s.close();
    }
    readers.shutdownNow();
  }

  AgentHttpServer start() throws Exception {
    return AgentHttpServer.start("127.0.0.1", 0, new AgentState(), new AgentMetrics(), FileStore.open(tmp), Clock.systemUTC());
  }

  HttpResponse<String> send(AgentHttpServer s, String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).timeout(ANSWER_BOUND)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void onlyExactPathsAnswer() throws Exception {
    try (AgentHttpServer s = start()) {
      // The JDK server matched contexts by prefix: each of these answered 200 before.
      for (String unknown : List.of("/status/nosuch", "/healthzX", "/metrics.json", "/healthz/", "/index.html", "/readyz/x")) {
        HttpResponse<String> r = send(s, "GET", unknown);
        assertThat(r.statusCode()).as(unknown).isEqualTo(404);
        assertThat(r.body()).as(unknown).contains("no such path").contains("/, /healthz, /readyz, /status, /metrics");
      }
      assertThat(send(s, "GET", "/").headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
      assertThat(send(s, "GET", "/healthz").statusCode()).isEqualTo(200);
      assertThat(send(s, "GET", "/healthz?verbose=1").statusCode()).isEqualTo(200);
      HttpResponse<String> head = send(s, "HEAD", "/metrics");
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.body()).isEmpty();
      HttpResponse<String> post = send(s, "POST", "/status");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
      assertThat(send(s, "DELETE", "/nosuch").statusCode()).isEqualTo(404);
    }
  }

  /** A client that sends its request head one byte at a time and never ends it. */
  Socket dribbler(int port) throws IOException {
    Socket s = new Socket("127.0.0.1", port);
    sockets.add(s);
    OutputStream out = s.getOutputStream();
    out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    dribble.scheduleAtFixedRate(() -> {
      try {
        out.write('a');
        out.flush();
      } catch (IOException closed) {
        throw new IllegalStateException("closed", closed); // ends this client's schedule
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
    return s;
  }

  @Test
  void slowClientsDoNotStallHealthOrMetrics() throws Exception {
    try (AgentHttpServer s = start()) {
      for (int i = 0; i < 8; i++) {
        dribbler(s.port());
      }
      // Before: 2 threads, each blocked reading a dribbling head, and /healthz waited until they left.
      for (int i = 0; i < 5; i++) {
        assertThat(send(s, "GET", "/healthz").statusCode()).isEqualTo(200);
        assertThat(send(s, "GET", "/metrics").statusCode()).isEqualTo(200);
      }
    }
  }

  /** Completes when the server closes {@code s} (its read sees the end), or fails when the socket cannot be read. */
  CompletableFuture<Void> closedByServer(Socket s) {
    return CompletableFuture.runAsync(() -> {
      try (InputStream in = s.getInputStream()) {
        while (in.read() >= 0) {
          // drain until the server closes
        }
      } catch (IOException reset) {
        // a reset is a close too
      }
    }, readers);
  }

  @Test
  void aRequestHeadNotFinishedByTheDeadlineIsCut() throws Exception {
    AgentHttpServer.Limits limits = new AgentHttpServer.Limits(Duration.ofSeconds(1), 16, Duration.ofSeconds(30));
    try (AgentHttpServer s = AgentHttpServer.start("127.0.0.1", 0, AgentHttpServer.routes(new AgentState(),
        new AgentMetrics(), FileStore.open(tmp), Clock.systemUTC()), limits)) {
      Socket slow = dribbler(s.port());
      // Well within the idle timeout (bytes keep coming), so only the deadline can end it.
      closedByServer(slow).get(ANSWER_BOUND.toSeconds() * 2, TimeUnit.SECONDS);
      // The listener is still there for honest clients, and keep-alive requests each get the deadline anew.
      assertThat(send(s, "GET", "/healthz").statusCode()).isEqualTo(200);
      assertThat(send(s, "GET", "/readyz").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void connectionsAreBoundedAndSilentOnesMakeRoom() throws Exception {
    AgentHttpServer.Limits limits = new AgentHttpServer.Limits(Duration.ofSeconds(1), 2, Duration.ofSeconds(30));
    try (AgentHttpServer s = AgentHttpServer.start("127.0.0.1", 0, AgentHttpServer.routes(new AgentState(),
        new AgentMetrics(), FileStore.open(tmp), Clock.systemUTC()), limits)) {
      List<CompletableFuture<Void>> silentClosed = new ArrayList<>();
      long heldSince = System.nanoTime();
      for (int i = 0; i < 2; i++) {
        Socket silent = new Socket("127.0.0.1", s.port());
        sockets.add(silent);
        silentClosed.add(closedByServer(silent));
      }
      // Both slots are held, so this request is accepted only once the head deadline has closed a silent one:
      // its answer cannot come sooner than that deadline after the slots were taken. (Which side notices
      // first, this thread its answer or a reader thread its closed socket, is up to the scheduler.)
      assertThat(send(s, "GET", "/healthz").statusCode()).isEqualTo(200);
      Duration waited = Duration.ofNanos(System.nanoTime() - heldSince);
      assertThat(waited).as("answered only after a silent connection was closed").isGreaterThanOrEqualTo(limits.requestHead());
      CompletableFuture.anyOf(silentClosed.toArray(CompletableFuture[]::new)).get(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS);
      assertThat(s.openConnections()).isLessThanOrEqualTo(2);
    }
  }
}
