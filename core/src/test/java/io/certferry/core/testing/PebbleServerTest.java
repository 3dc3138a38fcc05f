package io.certferry.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class PebbleServerTest {

  @Test
  void startsPebbleAndChallTestSrvAndStopsThem() throws Exception {
    URI directory;
    try (PebbleServer pebble = PebbleServer.start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(pebble.sslContext()).build();
      String dir = client.send(HttpRequest.newBuilder(pebble.directoryUrl()).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(dir).contains("newAccount", "newOrder");
      X509Certificate root = pebble.root();
      assertThat(root.getSubjectX500Principal()).isEqualTo(root.getIssuerX500Principal());
      int code = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(pebble.challTestSrvUrl() + "/set-txt"))
              .POST(HttpRequest.BodyPublishers.ofString("{\"host\":\"_acme-challenge.a.test.\",\"value\":\"x\"}")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
      assertThat(code).isEqualTo(200);
      assertThat(pebble.serverCaFile()).exists();
      directory = pebble.directoryUrl();
    }
    try (Socket s = new Socket()) {
      Assertions.assertThatThrownBy(
          () -> s.connect(new InetSocketAddress("127.0.0.1", directory.getPort()), 500))
          .isInstanceOf(IOException.class);
    }
  }
}
