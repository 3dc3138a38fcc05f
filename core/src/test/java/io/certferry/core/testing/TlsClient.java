package io.certferry.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS client for tests of what a server serves: one full handshake per call to 127.0.0.1 (never a
 * resumed session, so a swapped certificate is seen at once), with SNI and optional ALPN, returning the
 * leaf the server presented. {@link #trusting} verifies the chain to the given roots and the name as a
 * browser does; {@link #recordingAnything()} accepts any chain, for validation certificates.
 */
public final class TlsClient {
  private final SSLContext context;
  private final boolean verifyName;

  private TlsClient(SSLContext context, boolean verifyName) {
    this.context = context;
    this.verifyName = verifyName;
  }

  /** A client that trusts only these roots and checks the server name (HTTPS rules). */
  public static TlsClient trusting(X509Certificate... roots) {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      for (int i = 0; i < roots.length; i++) {
        ks.setCertificateEntry("root-" + i, roots[i]);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return new TlsClient(ctx, true);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a test trust store", e);
    }
  }

  /** A client that accepts any chain: only for reading what a server presents (validation certificates). */
  public static TlsClient recordingAnything() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) { }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) { }

        @Override
        public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
      }}, null);
      return new TlsClient(ctx, false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What one handshake saw: the leaf and the ALPN protocol chosen ("" for none). */
  public record Handshake(X509Certificate leaf, String protocol) {}

  /** One handshake asking for {@code serverName} (null: no SNI); the served leaf. */
  public X509Certificate leaf(int port, String serverName) throws IOException {
    return handshake(port, serverName, List.of()).leaf();
  }

  /** One handshake asking for {@code serverName} (null: no SNI) and offering {@code alpn}. */
  public Handshake handshake(int port, String serverName, List<String> alpn) throws IOException {
    try (SSLSocket s = open(port, serverName, alpn)) {
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      String protocol = s.getApplicationProtocol();
      // Never resumed: the next handshake must see what the server serves then.
      s.getSession().invalidate();
      return new Handshake(leaf, protocol == null ? "" : protocol);
    }
  }

  /** An HTTP/1.1 GET of {@code path} from {@code serverName} over TLS: the whole response as text. */
  public String get(int port, String serverName, String path) throws IOException {
    try (SSLSocket s = open(port, serverName, List.of())) {
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + serverName + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      s.getSession().invalidate();
      return response;
    }
  }

  private SSLSocket open(int port, String serverName, List<String> alpn) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    try {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      if (serverName != null) {
        p.setServerNames(List.of(new SNIHostName(serverName)));
        if (verifyName) {
          p.setEndpointIdentificationAlgorithm("HTTPS");
        }
      }
      if (!alpn.isEmpty()) {
        p.setApplicationProtocols(alpn.toArray(new String[0]));
      }
      s.setSSLParameters(p);
      s.startHandshake();
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }
}
