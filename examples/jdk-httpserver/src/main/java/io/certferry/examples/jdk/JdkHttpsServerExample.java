package io.certferry.examples.jdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcileReport;
import io.certferry.core.Sleeper;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.serve.ManagedKeyManager;
import io.certferry.core.store.FileStore;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JDK's own {@link HttpsServer} with managed TLS: a public name from an ACME CA, validated over
 * tls-alpn-01 on the server's own port, and an internal name from the store's local CA. Every new version
 * is served from the moment it is stored, without a restart.
 *
 * <p>Run: {@code java -cp ... io.certferry.examples.jdk.JdkHttpsServerExample /var/lib/myapp/certs
 * www.example.org admin.internal.example.org} (port 443, Let's Encrypt).
 *
 * @since 0.1
 */
public final class JdkHttpsServerExample implements AutoCloseable {
  private final HttpsServer server;
  private final ExecutorService handlers;
  private final CertManager certificates;

  private JdkHttpsServerExample(HttpsServer server, ExecutorService handlers, CertManager certificates) {
    this.server = server;
    this.handlers = handlers;
    this.certificates = certificates;
  }

  /**
   * Starts serving HTTPS on {@code address}; call {@link #keepRenewing} (or {@code certificates().reconcile()})
   * to obtain and renew the certificates.
   *
   * @param acme the ACME CA to use (directory, terms of service, e-mail); the store and solver are added here
   * @since 0.1
   */
  public static JdkHttpsServerExample start(Path storeDir, InetSocketAddress address, String publicName,
                                            String internalName, AcmeIssuer.Builder acme) throws IOException {
    FileStore store = FileStore.open(storeDir);
    ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("site").build();
    CertManager certificates = CertManager.builder().store(store).listener(keys.listener())
        .certificate(ManagedCertificate.of("site", List.of(publicName), "acme")
            .withIssuer(acme.store(store).solver(keys.tlsAlpn01Solver()).build()))
        .certificate(ManagedCertificate.of("internal", List.of(internalName), "local")
            .withIssuer(LocalCaIssuer.builder(store).create()))
        .build();

    HttpsServer server = HttpsServer.create(address, 0);
    server.setHttpsConfigurator(new HttpsConfigurator(keys.sslContext()));
    server.createContext("/", JdkHttpsServerExample::hello);
    ExecutorService handlers = Executors.newFixedThreadPool(8);
    server.setExecutor(handlers);
    server.start();
    return new JdkHttpsServerExample(server, handlers, certificates);
  }

  /**
   * The engine that keeps the certificates: force a renewal with {@code renew(name, true)}.
   *
   * @since 0.1
   */
  public CertManager certificates() { return certificates; }

  /**
   * The port the server listens on.
   *
   * @since 0.1
   */
  public int port() { return server.getAddress().getPort(); }

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

  private static void hello(HttpExchange exchange) throws IOException {
    byte[] body = ("hello from " + exchange.getRequestHeaders().getFirst("Host") + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /**
   * Stops the server (handshakes and requests in flight get a second) and the engine.
   *
   * @since 0.1
   */
  @Override
  public void close() {
    server.stop(1);
    handlers.shutdownNow();
    certificates.close();
  }

  /**
   * {@code STORE_DIR PUBLIC_NAME INTERNAL_NAME}: serves both names on port 443 with Let's Encrypt and the local CA.
   *
   * @since 0.1
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: JdkHttpsServerExample STORE_DIR PUBLIC_NAME INTERNAL_NAME");
      System.exit(2);
    }
    AcmeIssuer.Builder acme = AcmeIssuer.builder().directory(AcmeDirectories.resolve("letsencrypt"))
        .agreeToTermsOfService(true);
    try (JdkHttpsServerExample example = start(Path.of(args[0]), new InetSocketAddress(443), args[1], args[2],
        acme)) {
      example.keepRenewing(Clock.systemUTC(), Sleeper.SYSTEM);
    }
  }
}
