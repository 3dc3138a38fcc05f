package io.certferry.agent.e2e;

import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.PrivateKeyReader;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The public edge of a faked cloud service (a DigitalOcean load balancer or CDN endpoint, a Netlify
 * site) on 127.0.0.1: each connection is answered with whatever certificate the fake holds for it at
 * that moment, as the real edge would after an API update. A target's {@code verify()} dialing here
 * proves the fake really got the new key and chain, not only a request. No certificate held: the
 * connection is closed without a handshake.
 */
final class FakeEdgeTlsServer implements AutoCloseable {
  /** What the edge serves: PEM text as the API upload carried it. */
  record Served(String leafPem, String chainPem, String keyPem) {}

  private final ServerSocket socket;
  private final Supplier<Optional<Served>> current;
  private final Thread acceptor;
  private final AtomicInteger handshakes = new AtomicInteger();

  private FakeEdgeTlsServer(ServerSocket socket, Supplier<Optional<Served>> current) {
    this.socket = socket;
    this.current = current;
    this.acceptor = new Thread(this::serve, "fake-edge-" + socket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts on a free loopback port; {@code current} is asked on every connection. */
  static FakeEdgeTlsServer serving(Supplier<Optional<Served>> current) throws IOException {
    return new FakeEdgeTlsServer(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")), current);
  }

  int port() { return socket.getLocalPort(); }

  /** Connections that got a certificate to handshake with. */
  int handshakes() { return handshakes.get(); }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket plain = socket.accept()) {
        plain.setSoTimeout(5000);
        Optional<Served> served = current.get();
        if (served.isEmpty()) {
          continue;
        }
        try (SSLSocket tls = (SSLSocket) context(served.get()).getSocketFactory()
            .createSocket(plain, "127.0.0.1", plain.getPort(), false)) {
          tls.setUseClientMode(false);
          handshakes.incrementAndGet();
          tls.startHandshake();
        } catch (IOException clientAborted) {
          // TlsProbe reads the chain and then aborts the handshake on purpose.
        }
      } catch (IOException closed) {
        return;
      } catch (Exception badUpload) {
        // An upload the edge cannot serve: the client sees a closed connection, and its verify fails.
      }
    }
  }

  private static SSLContext context(Served s) throws Exception {
    List<X509Certificate> chain = new ArrayList<>(read(s.leafPem()));
    if (s.chainPem() != null && !s.chainPem().isBlank()) {
      chain.addAll(read(s.chainPem()));
    }
    PrivateKey key = PrivateKeyReader.read("uploaded key", s.keyPem().getBytes(StandardCharsets.US_ASCII),
        Optional.empty());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "edge".toCharArray();
    ks.setKeyEntry("edge", key, pw, chain.toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static List<X509Certificate> read(String pem) throws Exception {
    return CertificateReader.read("uploaded certificate", pem.getBytes(StandardCharsets.US_ASCII));
  }

  @Override
  public void close() throws Exception {
    socket.close();
    acceptor.join(5000);
  }
}
