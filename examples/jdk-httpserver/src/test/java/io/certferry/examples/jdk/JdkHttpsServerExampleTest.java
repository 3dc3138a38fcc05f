package io.certferry.examples.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.testing.EmbeddedServerCheck;
import io.certferry.core.testing.HandshakeLoop;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.TlsClient;
import io.certferry.core.x509.CertificateReader;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkHttpsServerExampleTest {
  static final String SITE = "site.example.test";
  static final String INTERNAL = "internal.example.test";

  @Test
  void renewsFromTheLocalCaAndOverTlsAlpn01OnItsOwnPortAndServesTheNewSerialsWithoutARestart(@TempDir Path dir)
      throws Exception {
    try (PebbleServer pebble = PebbleServer.builder().ari().start()) {
      AcmeIssuer.Builder acme = AcmeIssuer.builder().directory(pebble.directoryUrl()).agreeToTermsOfService(true)
          .serverCa(CertificateReader.read(pebble.serverCaFile()));
      // Pebble validates tls-alpn-01 on its tlsPort: the example listens there.
      try (JdkHttpsServerExample example = JdkHttpsServerExample.start(dir,
          new InetSocketAddress("127.0.0.1", pebble.tlsPort()), SITE, INTERNAL, acme)) {
        ReconcileReport first = example.certificates().reconcile();
        assertThat(first.certificates()).as(pebble.logs()).allSatisfy(s -> assertThat(s.current()).isPresent());

        TlsClient browser = TlsClient.trusting(pebble.root(),
            example.certificates().store().localCa().orElseThrow().certificate());
        EmbeddedServerCheck check = new EmbeddedServerCheck(example.certificates().store(), example.port(), browser)
            .name("site", SITE).name("internal", INTERNAL);
        Map<String, String> before = check.servesCurrent();
        assertThat(browser.get(example.port(), SITE, "/")).startsWith("HTTP/1.1 200").contains("hello from " + SITE);

        HandshakeLoop.Result load = check.swapUnderLoad(8, List.of(
            () -> assertThat(example.certificates().renew("internal", true)).matches(CertificateStatus::renewedNow),
            () -> assertThat(example.certificates().renew("site", true)).matches(CertificateStatus::renewedNow)));
        System.out.println("jdk-httpserver, 8 threads across a local-CA and a tls-alpn-01 renewal: " + load);

        Map<String, String> after = check.servesCurrent();
        assertThat(after.get("site")).isNotEqualTo(before.get("site"));
        assertThat(after.get("internal")).isNotEqualTo(before.get("internal"));
        assertThat(load.failed()).as(load.toString()).isZero();
        assertThat(load.ok()).isGreaterThanOrEqualTo(96);
      }
    }
  }
}
