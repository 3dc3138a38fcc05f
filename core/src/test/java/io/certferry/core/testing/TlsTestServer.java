package io.certferry.core.testing;

import io.certferry.core.CertificateBundle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1 (free port) serving one bundle's chain, for testing what {@code verify()}
 * sees. Each connection is handshaken and closed. Close it to stop the accept thread.
 */
public final class TlsTestServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final Thread acceptor;

  private TlsTestServer(SSLServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::serve, "tls-test-server-" + socket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts serving {@code bundle} (leaf and chain) on a free loopback port. */
  public static TlsTestServer serving(CertificateBundle bundle) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    char[] pw = "test".toCharArray();
    ks.setKeyEntry("server", bundle.privateKey(), pw, bundle.fullChain().toArray(new X509Certificate[0]));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, pw);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    return new TlsTestServer(s);
  }

  public String host() { return "127.0.0.1"; }

  public int port() { return socket.getLocalPort(); }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket c = socket.accept()) {
        c.setSoTimeout(5000);
        try {
          ((SSLSocket) c).startHandshake();
        } catch (IOException clientRefusedOurChain) {
          // TlsProbe records the chain and then aborts the handshake on purpose.
        }
      } catch (IOException closed) {
        return;
      }
    }
  }

  @Override
  public void close() throws Exception {
    socket.close();
    acceptor.join(5000);
  }
}
