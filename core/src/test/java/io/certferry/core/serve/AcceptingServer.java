package io.certferry.core.serve;

import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A blocking TLS server on 127.0.0.1 for the key manager's tests: every accepted socket answers
 * acme-tls/1 ({@link AcmeTlsAlpn#enable(SSLSocket)}), shakes hands and is closed. Stops on close.
 */
final class AcceptingServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final ExecutorService workers = Executors.newFixedThreadPool(8);
  private final Thread acceptor;
  private final String[] protocols;

  private AcceptingServer(SSLServerSocket socket, String[] protocols) {
    this.socket = socket;
    this.protocols = protocols;
    this.acceptor = new Thread(this::accept, "accepting-server-" + socket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Serves on {@code port} (0: a free one); {@code protocols}: the server's own ALPN protocols. */
  static AcceptingServer start(SSLContext context, int port, String... protocols) throws IOException {
    SSLServerSocket s = (SSLServerSocket) context.getServerSocketFactory()
        .createServerSocket(port, 64, InetAddress.getLoopbackAddress());
    return new AcceptingServer(s, protocols);
  }

  int port() { return socket.getLocalPort(); }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        SSLSocket c = (SSLSocket) socket.accept();
        workers.execute(() -> handshake(c));
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        // one failed accept: keep serving
      }
    }
  }

  private void handshake(SSLSocket c) {
    try (c) {
      c.setSoTimeout(10_000);
      if (protocols.length > 0) {
        SSLParameters p = c.getSSLParameters();
        p.setApplicationProtocols(protocols);
        c.setSSLParameters(p);
      }
      AcmeTlsAlpn.enable(c).startHandshake();
    } catch (IOException e) {
      // the client sees the failure; the tests assert on what the client saw
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    workers.shutdownNow();
    try {
      acceptor.join(5_000);
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
