package io.certferry.core.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A real Pebble ACME server and pebble-challtestsrv, started on free loopback ports for one test
 * class (or one benchmark), stopped by {@link #close()}.
 *
 * <p>Pebble's TLS certificate is generated here (Debian ships none) by a throw-away test root;
 * {@link #serverCaFile()} is that root, the file a client passes as {@code --server-ca}. Name
 * resolution for validation goes to challtestsrv, which answers every A query with 127.0.0.1, so
 * any test name validates against a solver bound to {@link #httpPort()} on 127.0.0.1.
 * Pebble runs with {@code PEBBLE_VA_NOSLEEP=1}, no nonce rejection and no authorization reuse.
 *
 * <pre>{@code
 * try (PebbleServer pebble = PebbleServer.start()) {
 *   URI dir = pebble.directoryUrl();
 * }
 * }</pre>
 */
public final class PebbleServer implements AutoCloseable {
  private static final String PEBBLE = "/usr/bin/pebble";
  private static final String CHALLTESTSRV = "/usr/bin/pebble-challtestsrv";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final List<Process> processes = new ArrayList<>();
  private String binary = PEBBLE;
  private Builder options = new Builder();
  private final Path serverCaFile;
  private final SSLContext sslContext;
  private int acmePort;
  private int pebbleManagementPort;
  private int challManagementPort;
  private int dnsPort;
  private int httpPort;
  private int tlsPort;

  private PebbleServer(Path dir, Path serverCaFile, SSLContext sslContext) {
    this.dir = dir;
    this.serverCaFile = serverCaFile;
    this.sslContext = sslContext;
  }

  /** Starts Debian's Pebble 2.4 and challtestsrv with default settings (see {@link RequiredTools}). */
  public static PebbleServer start() {
    return start(Map.of());
  }

  /**
   * Starts both servers; {@code extraEnv} adds to Pebble's environment (e.g. {@code PEBBLE_CHAIN_LENGTH}).
   */
  public static PebbleServer start(Map<String, String> extraEnv) {
    return builder().env(extraEnv).start();
  }

  /** Options for the server to start: Debian's Pebble 2.4, or Pebble v2.10.1 with ARI and profiles. */
  public static Builder builder() { return new Builder(); }

  /** Which Pebble, with which settings. */
  public static final class Builder {
    private boolean ari;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> eabKeys = new LinkedHashMap<>();
    private final Map<String, Long> profiles = new LinkedHashMap<>();
    private String retryAfter = "";

    private Builder() {}

    /**
     * Pebble v2.10.1 from {@code ../shared/tools/pebble/pebble-ari} (system property {@code certferry.pebbleAri}):
     * ARI with {@code replaces}, profiles {@code default} (90 days) and {@code shortlived} (6 days), the
     * management call that sets a certificate's renewal window. A missing binary fails under CERTFERRY_REQUIRE_E2E.
     */
    public Builder ari() {
      this.ari = true;
      profiles.putIfAbsent("default", Duration.ofDays(90).toSeconds());
      profiles.putIfAbsent("shortlived", Duration.ofDays(6).toSeconds());
      return this;
    }

    /** A profile and its validity (pebble-ari only). */
    public Builder profile(String name, Duration validity) {
      profiles.put(name, validity.toSeconds());
      return this;
    }

    /** Requires external account binding with these key ids and base64url HMAC keys (pebble-ari only). */
    public Builder eab(Map<String, String> macKeys) {
      eabKeys.putAll(macKeys);
      return this;
    }

    /** The Retry-After, in seconds, Pebble sends on authorization and order polls (pebble-ari only). */
    public Builder retryAfter(int authzSeconds, int orderSeconds) {
      this.retryAfter = ",\n  \"retryAfter\": {\"authz\": " + authzSeconds + ", \"order\": " + orderSeconds + "}";
      return this;
    }

    /** Adds to Pebble's environment, e.g. {@code PEBBLE_CHAIN_LENGTH}. */
    public Builder env(Map<String, String> extra) {
      env.putAll(extra);
      return this;
    }

    public PebbleServer start() { return PebbleServer.start(this); }
  }

  /** Where pebble-ari is: the system property the parent pom sets, else ../shared beside the project. */
  static String pebbleAri() {
    String p = System.getProperty("certferry.pebbleAri");
    return p != null ? p : Path.of("..", "shared", "tools", "pebble", "pebble-ari").toAbsolutePath().normalize().toString();
  }

  private static PebbleServer start(Builder options) {
    String binary = options.ari ? pebbleAri() : PEBBLE;
    RequiredTools.requireAll(binary, CHALLTESTSRV);
    Map<String, String> extraEnv = options.env;
    try {
      Path dir = Files.createTempDirectory("certferry-pebble-");
      TestPki.Ca root = TestPki.root("Certferry Pebble test root");
      var leaf = root.leaf(List.of("localhost"));
      Path cert = dir.resolve("cert.pem");
      Path key = dir.resolve("key.pem");
      Path ca = dir.resolve("server-ca.pem");
      Files.writeString(cert, pem("CERTIFICATE", leaf.leaf().getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", leaf.privateKey().getEncoded()));
      Files.writeString(ca, pem("CERTIFICATE", root.certificate().getEncoded()));
      PebbleServer server = new PebbleServer(dir, ca, sslContextTrusting(root.certificate()));
      server.binary = binary;
      server.options = options;
      try {
        server.launch(cert, key, extraEnv);
      } catch (RuntimeException | Error e) {
        server.close();
        throw e;
      }
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare Pebble's files", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode Pebble's test certificate", e);
    }
  }

  private void launch(Path cert, Path key, Map<String, String> extraEnv) {
    challManagementPort = freePort();
    dnsPort = freeUdpAndTcpPort();
    ProcessBuilder chall = new ProcessBuilder(CHALLTESTSRV,
        "-management", "127.0.0.1:" + challManagementPort,
        "-dns01", "127.0.0.1:" + dnsPort,
        "-http01", "", "-https01", "", "-tlsalpn01", "",
        "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "");
    startProcess(chall, "challtestsrv.log");
    awaitTcp(challManagementPort, "pebble-challtestsrv management");

    acmePort = freePort();
    pebbleManagementPort = freePort();
    httpPort = freePort();
    tlsPort = freePort();
    Path config = dir.resolve("pebble-config.json");
    write(config, """
        {"pebble": {
          "listenAddress": "127.0.0.1:%d",
          "managementListenAddress": "127.0.0.1:%d",
          "certificate": "%s",
          "privateKey": "%s",
          "httpPort": %d,
          "tlsPort": %d,
          "ocspResponderURL": "",
          "externalAccountBindingRequired": %s%s%s%s
        }}
        """.formatted(acmePort, pebbleManagementPort, cert, key, httpPort, tlsPort, !options.eabKeys.isEmpty(),
        eabJson(), profilesJson(), options.ari ? options.retryAfter : ""));
    ProcessBuilder pebble = new ProcessBuilder(binary, "-config", config.toString(),
        "-dnsserver", "127.0.0.1:" + dnsPort);
    pebble.environment().put("PEBBLE_VA_NOSLEEP", "1");
    pebble.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
    pebble.environment().put("PEBBLE_AUTHZREUSE", "0");
    pebble.environment().putAll(extraEnv);
    startProcess(pebble, "pebble.log");
    awaitDirectory();
  }

  private String eabJson() {
    if (options.eabKeys.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(",\n  \"externalAccountMACKeys\": {");
    String sep = "";
    for (var e : options.eabKeys.entrySet()) {
      sb.append(sep).append('"').append(e.getKey()).append("\": \"").append(e.getValue()).append('"');
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  private String profilesJson() {
    if (!options.ari || options.profiles.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(",\n  \"profiles\": {");
    String sep = "";
    for (var e : options.profiles.entrySet()) {
      sb.append(sep).append('"').append(e.getKey()).append("\": {\"description\": \"").append(e.getKey())
          .append("\", \"validityPeriod\": ").append(e.getValue()).append('}');
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  /** Whether this is pebble-ari (ARI, profiles) rather than Debian's Pebble. */
  public boolean hasAri() { return options.ari; }

  /**
   * Makes the CA answer {@code body} (byte for byte, even malformed) to renewalInfo for this certificate,
   * through pebble-ari's management call {@code POST /set-renewal-info/}.
   */
  public void setRenewalInfo(X509Certificate leaf, String body) {
    try {
      String certPem = pem("CERTIFICATE", leaf.getEncoded());
      String json = new ObjectMapper().createObjectNode()
          .put("Certificate", certPem).put("ARIResponse", body).toString();
      HttpResponse<String> r = client().send(HttpRequest.newBuilder(URI.create("https://localhost:" + pebbleManagementPort
          + "/set-renewal-info/")).POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("set-renewal-info answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("set-renewal-info failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How many orders Pebble was asked to create: the newOrder requests in its log. */
  public long ordersPlaced() {
    try {
      return Files.readAllLines(dir.resolve("pebble.log")).stream().filter(l -> l.contains("POST /order-plz")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ACME directory URL, {@code https://localhost:<port>/dir}. */
  public URI directoryUrl() { return URI.create("https://localhost:" + acmePort + "/dir"); }

  /** PEM file with the root that signed Pebble's HTTPS certificate: the {@code --server-ca} file. */
  public Path serverCaFile() { return serverCaFile; }

  /** An SSL context trusting Pebble's HTTPS certificate (for test clients). */
  public SSLContext sslContext() { return sslContext; }

  /** The port Pebble connects to for http-01 validation (bind a solver to 127.0.0.1 on it). */
  public int httpPort() { return httpPort; }

  /** The port Pebble connects to for tls-alpn-01 validation. */
  public int tlsPort() { return tlsPort; }

  /** pebble-challtestsrv's management API, e.g. {@code http://127.0.0.1:<port>}. */
  public URI challTestSrvUrl() { return URI.create("http://127.0.0.1:" + challManagementPort); }

  /** challtestsrv's DNS server (UDP and TCP), Pebble's resolver: {@code 127.0.0.1:<port>}. */
  public InetSocketAddress dnsAddress() { return new InetSocketAddress("127.0.0.1", dnsPort); }

  /** Folder with Pebble's config and the logs of both processes (for failure messages). */
  public Path workDir() { return dir; }

  /** Pebble's current root certificate, fetched from its management API ({@code /roots/0}). */
  public X509Certificate root() {
    String pem = get(URI.create("https://localhost:" + pebbleManagementPort + "/roots/0"));
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    } catch (CertificateException e) {
      throw new IllegalStateException("Pebble's /roots/0 did not answer a certificate", e);
    }
  }

  /** Pebble's and challtestsrv's logs, for assertion messages. */
  public String logs() {
    StringBuilder sb = new StringBuilder();
    for (String name : List.of("pebble.log", "challtestsrv.log")) {
      try {
        sb.append("--- ").append(name).append('\n').append(Files.readString(dir.resolve(name)));
      } catch (IOException e) {
        sb.append("(no ").append(name).append(")\n");
      }
    }
    return sb.toString();
  }

  /** Stops both processes (and waits for them) and deletes the working folder. */
  @Override
  public void close() {
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process p = processes.get(i);
      p.destroy();
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
    deleteTree(dir);
  }

  private void startProcess(ProcessBuilder pb, String logName) {
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(logName).toFile()));
    try {
      processes.add(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pb.command().get(0), e);
    }
  }

  private void awaitTcp(int port, String what) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        checkAlive(what, deadline);
        pause();
      }
    }
  }

  private void awaitDirectory() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      try {
        HttpResponse<String> r = client().send(HttpRequest.newBuilder(directoryUrl()).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && r.body().contains("newOrder")) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for Pebble", e);
      }
      checkAlive("pebble", deadline);
      pause();
    }
  }

  private void checkAlive(String what, Instant deadline) {
    for (Process p : processes) {
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited with " + p.exitValue() + "\n" + logs());
      }
    }
    if (Instant.now().isAfter(deadline)) {
      throw new IllegalStateException(what + " did not start within " + START_TIMEOUT + "\n" + logs());
    }
  }

  private static void pause() {
    try {
      Thread.sleep(25); // polling a child process's port: there is no event to wait on
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for Pebble", e);
    }
  }

  private String get(URI uri) {
    try {
      HttpResponse<String> r = client().send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + uri + " answered " + r.statusCode() + ": " + r.body());
      }
      return r.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private HttpClient client() {
    return HttpClient.newBuilder().sslContext(sslContext).connectTimeout(Duration.ofSeconds(2)).build();
  }

  static SSLContext sslContextTrusting(X509Certificate root) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      ks.setCertificateEntry("root", root);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException("cannot build a trust store for Pebble's root", e);
    }
  }

  /** A free TCP port on 127.0.0.1 (the OS picks it; there is a small race until the child binds it). */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  private static int freeUdpAndTcpPort() {
    for (int i = 0; i < 50; i++) {
      int port = freePort();
      try (DatagramSocket d = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
        return port;
      } catch (IOException e) {
        // UDP side taken; try another
      }
    }
    throw new IllegalStateException("no port free for both UDP and TCP");
  }

  /** PEM text of one DER object. */
  public static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    try (var walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp folder left behind is harmless
    }
  }
}
