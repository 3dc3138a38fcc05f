package io.certferry.core.bench;

import com.sun.net.httpserver.HttpServer;
import io.certferry.core.Sleeper;
import java.io.FileInputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * The floor: the least code that issues N certificates with acme4j (no store, no backoff, polls
 * every 10 ms), on THREADS threads (default 1) sharing one account, as the library driver and
 * {@code run --once} do at the same parallelism.
 *
 * <p>Usage: {@code BareAcme4jLoop DIRECTORY_URL SERVER_CA_PEM HTTP_PORT COUNT [THREADS] [PREFIX]}.
 */
public final class BareAcme4jLoop {
  private BareAcme4jLoop() {}

  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    X509Certificate ca;
    try (FileInputStream in = new FileInputStream(args[1])) {
      ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    ks.setCertificateEntry("ca", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    Session session = new Session(URI.create(args[0]), new GenericAcmeProvider() {
      @Override
      public HttpClient createHttpClient(NetworkSettings settings) {
        return HttpClient.newBuilder().sslContext(ssl).connectTimeout(settings.getTimeout()).build();
      }
    });
    int count = Integer.parseInt(args[3]);
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 1;
    String prefix = args.length > 5 ? args[5] : "bare";
    Map<String, String> tokens = new ConcurrentHashMap<>();
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[2])), 64);
    http.createContext("/.well-known/acme-challenge/", ex -> {
      String body = tokens.get(ex.getRequestURI().getPath().substring("/.well-known/acme-challenge/".length()));
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.US_ASCII);
      ex.sendResponseHeaders(body == null ? 404 : 200, b.length == 0 ? -1 : b.length);
      if (b.length > 0) {
        ex.getResponseBody().write(b);
      }
      ex.close();
    });
    // The JDK server's default executor is one thread: with several issuing threads Pebble's
    // validations would queue behind each other.
    http.setExecutor(Executors.newFixedThreadPool(threads));
    http.start();
    KeyPair accountKey = ec();
    Login login = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey).createLogin(session);
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> results = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String domain = prefix + "-" + i + ".bench.example.com";
      results.add(pool.submit(() -> {
        issue(login, domain, tokens);
        return null;
      }));
    }
    for (Future<?> f : results) {
      f.get();
    }
    pool.shutdown();
    http.stop(0);
    double batch = (System.nanoTime() - t0) / 1e9;
    double sinceJvm = (System.currentTimeMillis() - jvmStart) / 1000.0;
    System.out.printf("bare-acme4j: %d certs, %d thread(s), in-batch %.2f s (%.2f certs/s), since JVM start %.2f s (%.2f certs/s)%n",
        count, threads, batch, count / batch, sinceJvm, count / sinceJvm);
    System.exit(0); // the challenge server's worker threads are not daemons
  }

  private static void issue(Login login, String domain, Map<String, String> tokens) throws Exception {
    Order order = login.newOrder().domain(domain).create();
    for (Authorization auth : order.getAuthorizations()) {
      Http01Challenge c = auth.findChallenge(Http01Challenge.class).orElseThrow();
      tokens.put(c.getToken(), c.getAuthorization());
      c.trigger();
      await(auth::fetch, auth::getStatus, Status.VALID);
    }
    await(order::fetch, order::getStatus, Status.READY);
    order.execute(ec());
    await(order::fetch, order::getStatus, Status.VALID);
    order.getCertificate().getCertificate();
  }

  private static final Duration POLL = Duration.ofMillis(10);

  interface Fetch { Object run() throws Exception; }

  private static void await(Fetch fetch, Supplier<Status> status, Status want) throws Exception {
    while (true) {
      fetch.run();
      Status s = status.get();
      if (s == want) {
        return;
      }
      if (s == Status.INVALID) {
        throw new IllegalStateException("invalid");
      }
      Sleeper.SYSTEM.sleep(POLL);
    }
  }

  private static KeyPair ec() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }
}
