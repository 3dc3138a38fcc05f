package io.certferry.core.deploy;

import io.certferry.core.x509.Fingerprints;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509TrustManager;

/**
 * Reads the certificate an endpoint serves for a name, by TLS handshake with SNI.
 *
 * <p>The probe does not trust what it sees: its trust manager records the server's chain and then
 * rejects it, so the handshake stops before any application data is sent. The caller compares the
 * recorded leaf's SHA-256 with the one it expects, which is a stronger check than path validation.
 *
 * @since 0.1
 */
public final class TlsProbe {
  private final Duration timeout;

  public TlsProbe(Duration timeout) { this.timeout = timeout; }

  /**
   * A probe with a 10 second connect and handshake timeout.
   *
   * @since 0.1
   */
  public static TlsProbe withDefaults() { return new TlsProbe(Duration.ofSeconds(10)); }

  /**
   * The chain served at {@code host:port} for SNI name {@code serverName}, leaf first.
   *
   * @throws IOException when nothing answers or the peer is not a TLS server
   * @since 0.1
   */
  public List<X509Certificate> servedChain(String host, int port, String serverName) throws IOException {
    AtomicReference<X509Certificate[]> seen = new AtomicReference<>();
    SSLContext ctx;
    try {
      ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new X509TrustManager[] {new RecordingTrustManager(seen)}, null);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      raw.setSoTimeout((int) timeout.toMillis());
      try (SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, host, port, false)) {
        SSLParameters params = tls.getSSLParameters();
        if (serverName != null && !serverName.isEmpty() && !serverName.startsWith("*")) {
          params.setServerNames(List.of(new SNIHostName(serverName)));
        }
        tls.setSSLParameters(params);
        tls.startHandshake();
      } catch (SSLHandshakeException expected) {
        // RecordingTrustManager always refuses: the chain is recorded by now, or the handshake failed earlier.
      }
    }
    X509Certificate[] chain = seen.get();
    if (chain == null || chain.length == 0) {
      throw new IOException(host + ":" + port + " did not present a certificate for " + serverName);
    }
    return List.of(chain);
  }

  /**
   * SHA-256 of the leaf served at {@code host:port} for {@code serverName}.
   *
   * @since 0.1
   */
  public String servedFingerprint(String host, int port, String serverName) throws IOException {
    return Fingerprints.sha256(servedChain(host, port, serverName).get(0));
  }

  /**
   * Compares what {@code host:port} serves for {@code serverName} with the expected fingerprint.
   *
   * @since 0.1
   */
  public VerifyResult verify(String host, int port, String serverName, String expectedSha256) {
    try {
      String served = servedFingerprint(host, port, serverName);
      return served.equals(expectedSha256)
          ? VerifyResult.ok(host + ":" + port + " serves " + expectedSha256 + " for " + serverName)
          : VerifyResult.mismatch(expectedSha256, served,
              host + ":" + port + " serves " + served + " for " + serverName + ", expected " + expectedSha256);
    } catch (IOException e) {
      return VerifyResult.unreachable("TLS handshake to " + host + ":" + port + " for " + serverName + " failed: " + e.getMessage());
    }
  }

  /**
   * Optional convenience: the served fingerprint, or empty when the endpoint does not answer.
   *
   * @since 0.1
   */
  public Optional<String> tryServedFingerprint(String host, int port, String serverName) {
    try {
      return Optional.of(servedFingerprint(host, port, serverName));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static final class RecordingTrustManager implements X509TrustManager {
    private final AtomicReference<X509Certificate[]> seen;

    RecordingTrustManager(AtomicReference<X509Certificate[]> seen) { this.seen = seen; }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      seen.set(chain.clone());
      throw new CertificateException("certferry probe: chain recorded, connection not used");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
  }
}
