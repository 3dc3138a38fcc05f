package io.certferry.examples.jetty;

import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.Sleeper;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.serve.ManagedKeyManager;
import io.certferry.core.store.FileStore;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty 12 with managed TLS: {@link SslContextFactory.Server} gets the key manager's SSL context, whose
 * engines answer tls-alpn-01 on the connector's own port. A public name from an ACME CA and an internal
 * name from the store's local CA; every new version is served from the moment it is stored, without a
 * restart.
 *
 * <p>The connector speaks HTTP/1.1. With Jetty's ALPN for HTTP/2, its selector replaces the key manager's:
 * answer tls-alpn-01 on another connector, or over http-01.
 *
 * @since 0.1
 */
public final class JettyExample implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final CertManager certificates;

  private JettyExample(Server server, ServerConnector connector, CertManager certificates) {
    this.server = server;
    this.connector = connector;
    this.certificates = certificates;
  }

  /**
   * Starts serving HTTPS on {@code address}; call {@link #keepRenewing} (or {@code certificates().reconcile()})
   * to obtain and renew the certificates.
   *
   * @param acme the ACME CA to use (directory, terms of service, e-mail); the store and solver are added here
   * @since 0.1
   */
  public static JettyExample start(Path storeDir, InetSocketAddress address, String publicName,
                                   String internalName, AcmeIssuer.Builder acme) throws Exception {
    FileStore store = FileStore.open(storeDir);
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("site").build();
    CertManager certificates = CertManager.builder().store(store).listener(keys.listener())
        .certificate(ManagedCertificate.of("site", List.of(publicName), "acme")
            .withIssuer(acme.store(store).solver(keys.tlsAlpn01Solver()).build()))
        .certificate(ManagedCertificate.of("internal", List.of(internalName), "local")
            .withIssuer(LocalCaIssuer.builder(store).create()))
        .build();

    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setSslContext(keys.sslContext());
    HttpConfiguration https = new HttpConfiguration();
    https.addCustomizer(new SecureRequestCustomizer());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"),
        new HttpConnectionFactory(https));
    connector.setHost(address.getHostString());
    connector.setPort(address.getPort());
    server.addConnector(connector);
    server.setHandler(new Hello());
    server.start();
    return new JettyExample(server, connector, certificates);
  }

  /**
   * The engine that keeps the certificates: force a renewal with {@code renew(name, true)}.
   *
   * @since 0.1
   */
  public CertManager certificates() { return certificates; }

  /**
   * The port the connector listens on.
   *
   * @since 0.1
   */
  public int port() { return connector.getLocalPort(); }

  /**
   * Obtains what is missing and renews what is due, now and whenever the engine says; returns only when
   * interrupted.
   *
   * @since 0.1
   */
  public void keepRenewing(Clock clock, Sleeper sleeper) throws InterruptedException {
    while (true) {
      ReconcileReport report = certificates.reconcile();
      sleeper.sleep(Duration.between(clock.instant(), report.nextWakeUp()));
    }
  }

  /** Answers every request with a line naming the host asked for. */
  private static final class Hello extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      String body = "hello from " + Request.getServerName(request) + "\n";
      response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
      return true;
    }
  }

  /**
   * Stops the server and the engine.
   *
   * @since 0.1
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop: " + e.getMessage(), e);
    } finally {
      certificates.close();
    }
  }

  /**
   * {@code STORE_DIR PUBLIC_NAME INTERNAL_NAME}: serves both names on port 443 with Let's Encrypt and the local CA.
   *
   * @since 0.1
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: JettyExample STORE_DIR PUBLIC_NAME INTERNAL_NAME");
      System.exit(2);
    }
    AcmeIssuer.Builder acme = AcmeIssuer.builder().directory(AcmeDirectories.resolve("letsencrypt"))
        .agreeToTermsOfService(true);
    try (JettyExample example = start(Path.of(args[0]), new InetSocketAddress(443), args[1], args[2], acme)) {
      example.keepRenewing(Clock.systemUTC(), Sleeper.SYSTEM);
    }
  }
}
