package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.WatchRecord;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.testing.TlsTestServer;
import io.certferry.core.x509.KeyType;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An endpoint Certferry does not manage (a hosted status page with its own Let's Encrypt certificate) is checked
 * by handshake on every pass and gets the same state, rows and alerts as a managed certificate, source watched.
 */
class WatchedEndpointTest {
  static final TestPki.Ca CA = TestPki.root("Hosted Status Page CA");
  static final Instant ISSUED = Instant.parse("2026-10-01T00:00:00Z");

  @TempDir
  Path dir;
  FileStore store;
  final MutableClock clock = new MutableClock(ISSUED.plus(Duration.ofDays(10)));
  final List<LifecycleEvent> alerts = new CopyOnWriteArrayList<>();
  final List<CertManager> managers = new ArrayList<>();
  TlsTestServer endpoint;

  @BeforeEach
  void start() throws Exception {
    store = FileStore.open(dir);
    endpoint = TlsTestServer.serving(leaf(ISSUED, "status.example.org"));
  }

  @AfterEach
  void stop() throws Exception {
    managers.forEach(CertManager::close);
    endpoint.close();
  }

  static CertificateBundle leaf(Instant from, String... names) {
    return CA.leaf(List.of(names), KeyType.EC_P256, from, from.plus(Duration.ofDays(90)));
  }

  CertManager manager(WatchedEndpoint... watched) {
    CertManagerBuilder b = CertManager.builder().store(store).clock(clock).tlsProbe(new TlsProbe(Duration.ofSeconds(3)))
        .notifier(alerts::add);
    for (WatchedEndpoint w : watched) {
      b.watch(w);
    }
    CertManager m = b.build();
    managers.add(m);
    return m;
  }

  WatchedEndpoint status() {
    return new WatchedEndpoint("status", endpoint.host(), endpoint.port(), "status.example.org");
  }

  @Test
  void eachPassShakesHandsAndReportsTheCertificateLikeAManagedOne() throws Exception {
    ReconcileReport r = manager(status()).reconcile();

    CertificateStatus s = r.certificates().get(0);
    assertThat(s.name()).isEqualTo("status");
    assertThat(s.source()).isEqualTo("watched");
    assertThat(s.state()).isEqualTo("valid");
    assertThat(s.daysLeft()).contains(80L);
    assertThat(s.current().orElseThrow().issuer()).contains("Hosted Status Page CA");
    assertThat(s.renewReason().orElseThrow()).startsWith("watched, not renewed by Certferry");
    assertThat(r.allGood()).isTrue();
    // Kept in the store, so list and /status show it without a handshake.
    assertThat(CertManager.status(store, clock.instant())).extracting(CertificateStatus::name).containsExactly("status");
    assertThat(store.watchRecord("status").orElseThrow().seen().sha256()).isEqualTo(s.current().get().sha256());
  }

  @Test
  void expiryAlertsOnceAtEachLevelAcrossRestartsAndAllClearWhenTheOwnerRenews() throws Exception {
    clock.set(ISSUED.plus(Duration.ofDays(70))); // 20 days left: past the point its owner should have renewed
    manager(status()).reconcile();
    assertThat(alerts).extracting(LifecycleEvent::type).containsExactly(LifecycleEvent.Type.EXPIRING);
    assertThat(alerts.get(0).message()).contains("status expires in 20 days");

    clock.advance(Duration.ofHours(1));
    manager(status()).reconcile(); // a new process on the same store: nothing repeated
    assertThat(alerts).hasSize(1);

    clock.set(ISSUED.plus(Duration.ofDays(77))); // 13 days left: the 14-day level
    manager(status()).reconcile();
    assertThat(alerts).hasSize(2);
    assertThat(alerts.get(1).message()).contains("expires in 13 days");

    endpoint.serve(leaf(clock.instant(), "status.example.org"));
    ReconcileReport renewed = manager(status()).reconcile();
    assertThat(alerts).extracting(LifecycleEvent::type).last().isEqualTo(LifecycleEvent.Type.RECOVERED);
    assertThat(renewed.certificates().get(0).daysLeft()).contains(90L);
  }

  @Test
  void anEndpointThatStopsAnsweringKeepsItsLastCertificateAndRaisesAFailureAlert() throws Exception {
    CertManager m = manager(status());
    m.reconcile();
    endpoint.close();

    CertificateStatus down = m.reconcile().certificates().get(0);
    assertThat(down.error().orElseThrow()).contains("TLS handshake to 127.0.0.1:" + endpoint.port())
        .contains("showing what it served at");
    assertThat(down.daysLeft()).contains(80L);
    assertThat(alerts).isEmpty(); // failures are alerted once they last an hour

    clock.advance(Duration.ofMinutes(61));
    m.reconcile();
    assertThat(alerts).extracting(LifecycleEvent::type).containsExactly(LifecycleEvent.Type.VERIFY_FAILED);
    assertThat(alerts.get(0).message()).contains("status TLS check failing since");
  }

  @Test
  void aCertificateThatDoesNotCoverTheServerNameIsAnError() throws Exception {
    endpoint.serve(leaf(ISSUED, "other.example.net"));

    CertificateStatus s = manager(status()).reconcile().certificates().get(0);

    assertThat(s.error().orElseThrow()).contains("[other.example.net], which does not cover status.example.org");
    assertThat(s.good()).isFalse();
  }

  @Test
  void anEndpointNoLongerWatchedDropsOutAtTheFirstPass() throws Exception {
    manager(status()).reconcile();
    assertThat(store.watchRecords()).extracting(WatchRecord::name).containsExactly("status");

    ReconcileReport r = manager().reconcile();

    assertThat(r.certificates()).isEmpty();
    assertThat(store.watchRecords()).isEmpty();
    assertThat(CertManager.status(store, clock.instant())).isEmpty();
  }

  @Test
  void aWatchedEndpointCannotShareAManagedCertificatesName() {
    assertThatThrownBy(() -> CertManager.builder().store(store)
        .certificate(ManagedCertificate.of("status", List.of("status.example.org"), "imported")).watch(status()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rename it");
  }

  @Test
  void defaultNamesComeFromTheServerNameAndANonStandardPort() {
    assertThat(WatchedEndpoint.of("203.0.113.5", 443, "status.example.org").name()).isEqualTo("status.example.org");
    assertThat(WatchedEndpoint.of("status.example.org", 8443, null).name()).isEqualTo("status.example.org-8443");
  }
}
