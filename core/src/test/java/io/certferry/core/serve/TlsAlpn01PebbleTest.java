package io.certferry.core.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertManager;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.PebbleServer;
import io.certferry.core.testing.TlsClient;
import io.certferry.core.x509.CertificateReader;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** tls-alpn-01 against pebble-ari, validated on the port the key manager's own server listens on. */
class TlsAlpn01PebbleTest {
  @Test
  void pebbleValidatesOverTheServersOwnPortAndTheCertificateIsServedAtOnce() throws Exception {
    List<String> progress = new CopyOnWriteArrayList<>();
    try (PebbleServer pebble = PebbleServer.builder().ari().start()) {
      MemoryStore store = new MemoryStore();
      ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("site").build();
      AcmeIssuer acme = AcmeIssuer.builder().directory(pebble.directoryUrl()).agreeToTermsOfService(true)
          .serverCa(CertificateReader.read(pebble.serverCaFile())).solver(keys.tlsAlpn01Solver()).store(store)
          .progress(progress::add).build();
      try (AcceptingServer server = AcceptingServer.start(keys.sslContext(), pebble.tlsPort());
           CertManager certs = CertManager.builder().store(store).listener(keys.listener())
               .certificate(ManagedCertificate.of("site", List.of("site.example.test"), "acme").withIssuer(acme))
               .build()) {
        CertificateStatus issued = certs.issue("site");
        assertThat(issued.current()).as(progress + "\n" + pebble.logs()).isPresent();
        assertThat(progress).anyMatch(l -> l.contains("tls-alpn-01 response in place for site.example.test"));

        X509Certificate served = TlsClient.trusting(pebble.root()).leaf(server.port(), "site.example.test");
        assertThat(served.getSerialNumber().toString(16)).isEqualTo(store.current("site").orElseThrow().serial());

        certs.renew("site", true);
        X509Certificate renewed = TlsClient.trusting(pebble.root()).leaf(server.port(), "site.example.test");
        assertThat(renewed.getSerialNumber()).isNotEqualTo(served.getSerialNumber());
        assertThat(renewed.getSerialNumber().toString(16)).isEqualTo(store.current("site").orElseThrow().serial());
      }
    }
  }
}
