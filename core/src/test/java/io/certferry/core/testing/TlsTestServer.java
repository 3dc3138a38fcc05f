package io.certferry.core.testing;

import io.certferry.core.CertificateBundle;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A TLS server on 127.0.0.1 (free port) serving one bundle's chain (replaceable), for testing what
 * {@code verify()} and a watched endpoint's check see. Each connection is handshaken and closed. Close it
 * to stop the accept thread.
 */
public final class TlsTestServer implements AutoCloseable {
  private final SSLServerSocket socket;
  private final Thread acceptor;
  private SwitchableKeys keys;

  private TlsTestServer(SSLServerSocket socket) {
    this.socket = socket;
    this.acceptor = new Thread(this::serve, "tls-test-server-" + socket.getLocalPort());
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  /** Starts serving {@code bundle} (leaf and chain) on a free loopback port; {@link #serve} swaps it. */
  public static TlsTestServer serving(CertificateBundle bundle) throws Exception {
    SwitchableKeys keys = new SwitchableKeys(bundle);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(new KeyManager[] {keys}, null, null);
    SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory()
        .createServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    TlsTestServer server = new TlsTestServer(s);
    server.keys = keys;
    return server;
  }

  /** Serves {@code bundle} from the next handshake on, as an endpoint renewed by its owner does. */
  public void serve(CertificateBundle bundle) { keys.current = bundle; }

  /** One key and chain, replaceable while the server runs. */
  private static final class SwitchableKeys extends X509ExtendedKeyManager {
    private volatile CertificateBundle current;

    SwitchableKeys(CertificateBundle bundle) { this.current = bundle; }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) { return alias(keyType); }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) { return alias(keyType); }

    /** The one alias, for the key type the key has (JSSE asks per type: "EC", "RSA", "RSASSA-PSS"). */
    private String alias(String keyType) {
      String alg = current.privateKey().getAlgorithm();
      return keyType.equals(alg) || alg.equals("RSA") && keyType.startsWith("RSA") ? "server" : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return current.fullChain().toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) { return current.privateKey(); }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) { return new String[] {"server"}; }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) { return new String[0]; }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }
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
