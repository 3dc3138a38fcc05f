package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * tls-alpn-01 (RFC 8737) through a built-in TLS server on a configurable address and port (443 by
 * default): it negotiates only {@code acme-tls/1} and presents, for the server name the CA asks for,
 * the validation certificate from {@link TlsAlpn01Certificates}; any other handshake fails. It runs
 * while at least one challenge is pending. Like the http-01 server, every solver of the JVM on the same
 * address shares one listener, so parallel orders never fight over the port.
 *
 * <p>It needs the port to itself while validating: a web server already on 443 must route
 * {@code acme-tls/1} connections here, or another challenge type must be used.
 *
 * @since 0.1
 */
public final class TlsAlpn01Solver implements ChallengeSolver, AutoCloseable {
  /** The port the CA connects to; RFC 8737 fixes 443. */
  public static final int DEFAULT_PORT = 443;
  /** How long one validation handshake may take before the connection is dropped. */
  private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
  /** How long stopping waits for the accepting thread to let go of the port. */
  private static final long CLOSE_WAIT_MILLIS = 5_000;
  private static final Map<InetSocketAddress, Listener> LISTENERS = new ConcurrentHashMap<>();

  private final InetSocketAddress address;
  private final Set<String> serverNames = ConcurrentHashMap.newKeySet();

  /** A solver listening on {@code address} (the CA connects to port 443; tests use a free one). */
  public TlsAlpn01Solver(InetSocketAddress address) {
    this.address = address;
  }

  @Override
  public String type() { return "tls-alpn-01"; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    TlsAlpn01Certificates.Validation v = TlsAlpn01Certificates.create(challenge.domain(), challenge.keyAuthorization());
    LISTENERS.computeIfAbsent(address, Listener::new).add(v);
    serverNames.add(v.serverName());
    return p -> release(v.serverName());
  }

  private void release(String serverName) {
    serverNames.remove(serverName);
    Listener l = LISTENERS.get(address);
    if (l != null) {
      l.remove(serverName);
    }
  }

  /** Withdraws this solver's validation certificates; the listener stops when no solver has any left. */
  @Override
  public void close() {
    serverNames.forEach(this::release);
  }

  /** One TLS listener on one address, shared by every solver of the JVM that listens there. */
  private static final class Listener {
    private final InetSocketAddress address;
    private final Map<String, TlsAlpn01Certificates.Validation> validations = new ConcurrentHashMap<>();
    private SSLServerSocket socket; // guarded by this
    private ExecutorService handshakes; // guarded by this
    private Thread acceptor; // guarded by this

    Listener(InetSocketAddress address) { this.address = address; }

    synchronized void add(TlsAlpn01Certificates.Validation v) throws IssueException {
      validations.put(v.serverName(), v);
      if (socket == null) {
        try {
          start();
        } catch (IOException | GeneralSecurityException e) {
          validations.remove(v.serverName());
          throw new IssueException(Kind.LOCAL, "tls-alpn-01: cannot listen on " + address.getHostString() + ":"
              + address.getPort() + " (" + e.getMessage() + "); free the port (is a web server on it?), set "
              + "tlsAlpn.port to one that reaches here, or use another challenge type", e);
        }
      }
    }

    synchronized void remove(String serverName) {
      validations.remove(serverName);
      if (validations.isEmpty() && socket != null) {
        try {
          socket.close();
          // The JDK finishes closing a socket blocked in accept() on the accepting thread: wait for it, so
          // the port is free when the last cleanup returns (the next order binds it again at once).
          acceptor.join(CLOSE_WAIT_MILLIS);
        } catch (IOException e) {
          // closing a listening socket fails only when it is closed already
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        handshakes.shutdownNow();
        socket = null;
        handshakes = null;
        acceptor = null;
      }
    }

    private void start() throws IOException, NoSuchAlgorithmException, KeyManagementException {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(new KeyManager[] {new SniKeyManager(validations)}, null, null);
      SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
      s.setReuseAddress(true);
      s.bind(address, 64);
      SSLParameters params = params(s);
      s.setSSLParameters(params);
      ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "certferry-tls-alpn-01-handshake");
        t.setDaemon(true);
        return t;
      });
      Thread t = new Thread(() -> accept(s, params, pool), "certferry-tls-alpn-01 " + address);
      t.setDaemon(true);
      t.start();
      socket = s;
      handshakes = pool;
      acceptor = t;
    }

    /** RFC 8737: TLS 1.2 or later, and nothing but {@code acme-tls/1}. */
    private static SSLParameters params(SSLServerSocket s) {
      SSLParameters p = s.getSSLParameters();
      p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
      p.setApplicationProtocols(new String[] {TlsAlpn01Certificates.ALPN_PROTOCOL});
      return p;
    }

    private static void accept(SSLServerSocket s, SSLParameters params, ExecutorService pool) {
      while (!s.isClosed()) {
        try {
          Socket c = s.accept();
          pool.execute(() -> handshake((SSLSocket) c, params));
        } catch (IOException | RejectedExecutionException e) {
          // the listener was closed: the loop ends; a failed accept of one connection does not stop it
        }
      }
    }

    /** The CA only needs the handshake: it reads the certificate and hangs up. */
    private static void handshake(SSLSocket c, SSLParameters params) {
      try (c) {
        c.setSSLParameters(params);
        c.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
        c.startHandshake();
      } catch (IOException e) {
        // a probe without acme-tls/1 or for a name not held: refused, as RFC 8737 wants
      }
    }
  }
}
