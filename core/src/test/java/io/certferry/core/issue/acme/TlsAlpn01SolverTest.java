package io.certferry.core.issue.acme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.testing.PebbleServer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DEROctetString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The built-in tls-alpn-01 server as the CA's validator sees it (RFC 8737 section 3): {@code acme-tls/1}
 * only, the validation certificate for the name asked for by SNI, nothing for any other name, and gone
 * once the challenge is cleaned up.
 */
class TlsAlpn01SolverTest {
  private final int port = PebbleServer.freePort();
  private final TlsAlpn01Solver solver = new TlsAlpn01Solver(new InetSocketAddress("127.0.0.1", port));

  @AfterEach
  void close() {
    solver.close();
  }

  /** A validator's handshake; it records what the server presented (a test client may look without trusting). */
  private static X509Certificate handshake(int port, String serverName, String... alpn) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    X509TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) { }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) { seen.set(chain[0]); }

      @Override
      public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {recorder}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(serverName)));
      p.setApplicationProtocols(alpn);
      s.setSSLParameters(p);
      s.setSoTimeout(5000);
      s.startHandshake();
      assertThat(s.getApplicationProtocol()).isEqualTo("acme-tls/1");
    }
    return seen.get();
  }

  @Test
  void presentsTheValidationCertificateForTheNameAskedFor() throws Exception {
    ChallengeSolver.Prepared p = solver.prepare(PendingChallenge.tlsAlpn01("a.example.org", null, "tok.thumb"), l -> { });

    X509Certificate cert = handshake(port, "a.example.org", "acme-tls/1");

    assertThat(CertificateBundle.names(cert)).containsExactly("a.example.org");
    assertThat(cert.getCriticalExtensionOIDs()).contains(TlsAlpn01Certificates.ACME_IDENTIFIER_OID);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest("tok.thumb".getBytes(StandardCharsets.UTF_8));
    ASN1OctetString wrapped = ASN1OctetString.getInstance(cert.getExtensionValue(TlsAlpn01Certificates.ACME_IDENTIFIER_OID));
    assertThat(wrapped.getOctets()).isEqualTo(new DEROctetString(digest).getEncoded());
    p.cleanup(l -> { });
  }

  @Test
  void anAddressIsAskedForByItsReverseName() throws Exception {
    solver.prepare(PendingChallenge.tlsAlpn01("192.0.2.7", null, "tok.thumb"), l -> { });

    X509Certificate cert = handshake(port, "7.2.0.192.in-addr.arpa", "acme-tls/1");

    assertThat(CertificateBundle.names(cert)).containsExactly("192.0.2.7");
  }

  @Test
  void refusesHandshakesWithoutAcmeTlsOrForOtherNames() throws Exception {
    solver.prepare(PendingChallenge.tlsAlpn01("a.example.org", null, "tok.thumb"), l -> { });

    assertThatThrownBy(() -> handshake(port, "a.example.org", "h2", "http/1.1")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> handshake(port, "b.example.org", "acme-tls/1")).isInstanceOf(IOException.class);
  }

  @Test
  void stopsListeningWhenTheLastChallengeIsCleanedUp() throws Exception {
    ChallengeSolver.Prepared a = solver.prepare(PendingChallenge.tlsAlpn01("a.example.org", null, "x.y"), l -> { });
    ChallengeSolver.Prepared b = solver.prepare(PendingChallenge.tlsAlpn01("b.example.org", null, "x.z"), l -> { });
    a.cleanup(l -> { });
    assertThat(handshake(port, "b.example.org", "acme-tls/1")).isNotNull();

    b.cleanup(l -> { });

    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void aPortInUseIsReportedWithTheSettingToChange() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", port));
      assertThatThrownBy(() -> solver.prepare(PendingChallenge.tlsAlpn01("a.example.org", null, "x.y"), l -> { }))
          .isInstanceOf(IssueException.class)
          .hasMessageContaining("tls-alpn-01: cannot listen on 127.0.0.1:" + port)
          .hasMessageContaining("tlsAlpn.port");
    }
  }
}
