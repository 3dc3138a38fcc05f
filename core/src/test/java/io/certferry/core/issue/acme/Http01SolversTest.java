package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.issue.IssueException;
import io.certferry.core.testing.PebbleServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Http01SolversTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void standaloneServesOnlyPendingTokensAndStopsAfterTheLast() throws Exception {
    int port = PebbleServer.freePort();
    Http01StandaloneSolver solver = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", port));
    ChallengeSolver.Prepared a = solver.prepare(PendingChallenge.http01("a.example", "tokA", "tokA.thumb"), l -> {});
    ChallengeSolver.Prepared b = solver.prepare(PendingChallenge.http01("b.example", "tokB", "tokB.thumb"), l -> {});

    assertThat(get(port, "/.well-known/acme-challenge/tokA").body()).isEqualTo("tokA.thumb");
    assertThat(get(port, "/.well-known/acme-challenge/tokB").statusCode()).isEqualTo(200);
    assertThat(get(port, "/.well-known/acme-challenge/other").statusCode()).isEqualTo(404);
    assertThat(get(port, "/").statusCode()).isEqualTo(404);
    assertThat(get(port, "/tokA").statusCode()).isEqualTo(404);

    a.cleanup(l -> {});
    assertThat(get(port, "/.well-known/acme-challenge/tokA").statusCode()).isEqualTo(404);
    assertThat(get(port, "/.well-known/acme-challenge/tokB").statusCode()).isEqualTo(200);
    b.cleanup(l -> {});
    // the server lingers briefly for the next order, then frees the port on its own
    Instant deadline = Instant.now().plus(Http01StandaloneSolver.LINGER).plusSeconds(5);
    while (!portFree(port)) {
      assertThat(Instant.now()).as("port released after the linger time").isBefore(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void closeStopsTheServerAtOnce() throws Exception {
    int port = PebbleServer.freePort();
    Http01StandaloneSolver solver = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", port));
    solver.prepare(PendingChallenge.http01("a.example", "tokA", "tokA.thumb"), l -> {});
    assertThat(portFree(port)).isFalse();
    solver.close();
    assertThat(portFree(port)).isTrue();
  }

  @Test
  void stopIdleServersEndsTheLingerButSparesAServerWithAChallengePending() throws Exception {
    int idlePort = PebbleServer.freePort();
    int busyPort = PebbleServer.freePort();
    Http01StandaloneSolver idle = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", idlePort));
    Http01StandaloneSolver busy = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", busyPort));
    idle.prepare(PendingChallenge.http01("a.example", "tokA", "tokA.thumb"), l -> {}).cleanup(l -> {});
    busy.prepare(PendingChallenge.http01("b.example", "tokB", "tokB.thumb"), l -> {});
    assertThat(portFree(idlePort)).as("lingering for the next order").isFalse();

    Http01StandaloneSolver.stopIdleServers();

    assertThat(portFree(idlePort)).isTrue();
    assertThat(get(busyPort, "/.well-known/acme-challenge/tokB").body()).isEqualTo("tokB.thumb");
    busy.close();
    assertThat(portFree(busyPort)).isTrue();
  }

  @Test
  void solversOnOneAddressShareTheServer() throws Exception {
    // The agent issues several certificates at once, each through its own issuer, all on port 80.
    int port = PebbleServer.freePort();
    Http01StandaloneSolver first = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", port));
    Http01StandaloneSolver second = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", port));
    first.prepare(PendingChallenge.http01("a.example", "tokA", "tokA.thumb"), l -> {});
    second.prepare(PendingChallenge.http01("b.example", "tokB", "tokB.thumb"), l -> {});

    assertThat(get(port, "/.well-known/acme-challenge/tokA").body()).isEqualTo("tokA.thumb");
    assertThat(get(port, "/.well-known/acme-challenge/tokB").body()).isEqualTo("tokB.thumb");

    first.close();
    assertThat(get(port, "/.well-known/acme-challenge/tokA").statusCode()).isEqualTo(404);
    assertThat(get(port, "/.well-known/acme-challenge/tokB").body()).as("the other solver's challenge").isEqualTo("tokB.thumb");
    second.close();
    assertThat(portFree(port)).isTrue();
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void standaloneOnABusyPortSaysWhatToDo() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Http01StandaloneSolver solver = new Http01StandaloneSolver(new InetSocketAddress("127.0.0.1", busy.getLocalPort()));
      assertThatThrownBy(() -> solver.prepare(PendingChallenge.http01("a.example", "t", "t.k"), l -> {}))
          .isInstanceOf(IssueException.class)
          .hasMessageContaining("cannot listen on 127.0.0.1:" + busy.getLocalPort())
          .hasMessageContaining("--http-port");
    }
  }

  @Test
  void webrootWritesTheFileAndRemovesOnlyWhatItCreated(@TempDir Path webroot) throws Exception {
    Files.createDirectories(webroot.resolve(".well-known"));
    Files.writeString(webroot.resolve(".well-known/security.txt"), "keep me");
    Http01WebrootSolver solver = new Http01WebrootSolver(webroot);
    ChallengeSolver.Prepared p = solver.prepare(PendingChallenge.http01("a.example", "tok_1-x", "tok_1-x.thumb"), l -> {});
    Path file = webroot.resolve(".well-known/acme-challenge/tok_1-x");
    assertThat(file).hasContent("tok_1-x.thumb");
    try (var s = Files.list(file.getParent())) {
      assertThat(s).containsExactly(file); // no temp file left behind
    }
    p.cleanup(l -> {});
    assertThat(file).doesNotExist();
    assertThat(webroot.resolve(".well-known/acme-challenge")).doesNotExist();
    assertThat(webroot.resolve(".well-known/security.txt")).hasContent("keep me");
  }

  @Test
  void webrootRejectsMissingFolderAndHostileTokens(@TempDir Path webroot) {
    assertThatThrownBy(() -> new Http01WebrootSolver(webroot.resolve("nope"))
        .prepare(PendingChallenge.http01("a.example", "t", "t.k"), l -> {}))
        .isInstanceOf(IssueException.class).hasMessageContaining("is not a folder");
    assertThatThrownBy(() -> new Http01WebrootSolver(webroot)
        .prepare(PendingChallenge.http01("a.example", "../../etc/x", "k"), l -> {}))
        .isInstanceOf(IssueException.class).hasMessageContaining("base64url");
    assertThat(webroot.resolve(".well-known")).doesNotExist();
  }

  @Test
  void directoryNamesResolveAndBadOnesAreExplained() {
    assertThat(AcmeDirectories.resolve("letsencrypt").toString()).isEqualTo("https://acme-v02.api.letsencrypt.org/directory");
    assertThat(AcmeDirectories.resolve("LetsEncrypt-Staging").getHost()).isEqualTo("acme-staging-v02.api.letsencrypt.org");
    assertThat(AcmeDirectories.resolve("https://ca.example/dir").toString()).isEqualTo("https://ca.example/dir");
    assertThatThrownBy(() -> AcmeDirectories.resolve("http://ca.example/dir"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letsencrypt, letsencrypt-staging, sectigo-dv, zerossl");
    assertThatThrownBy(() -> AcmeDirectories.resolve("lets-encrypt")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void revocationReasonsParse() {
    assertThat(AcmeIssuer.parseReason("keyCompromise").getReasonCode()).isEqualTo(1);
    assertThat(AcmeIssuer.parseReason("key-compromise").getReasonCode()).isEqualTo(1);
    assertThat(AcmeIssuer.parseReason("superseded").getReasonCode()).isEqualTo(4);
    assertThatThrownBy(() -> AcmeIssuer.parseReason("lost")).hasMessageContaining("keyCompromise");
  }
}
