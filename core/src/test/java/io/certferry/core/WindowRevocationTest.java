package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.Revoker;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalInfo;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A target waiting for its maintenance window is changed at once when what it serves is revoked, or is to be
 * revoked (the CA moved its renewal window into an emergency) before the window opens. Found by the simulated
 * year (a mass revocation with a weekly window): the renewal replaced the revoked version's plan and window in
 * the state before the deploy step looked, so the target waited and served a revoked certificate for days.
 */
class WindowRevocationTest {
  static final TestPki.Ca CA = TestPki.root("Window Revocation Test CA");
  /** Wednesday; the window opens on Saturday at 02:00. */
  final MutableClock clock = new MutableClock(Instant.parse("2027-03-03T10:00:00Z"));
  final MemoryStore store = new MemoryStore();
  final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
  final CertManagerTest.MemTarget lb = new CertManagerTest.MemTarget("lb");

  /** 90-day certificates; its ARI window is whatever the test says, Retry-After one hour. */
  final class Ca implements Issuer, Revoker {
    volatile Instant windowStart = Instant.parse("2027-05-01T00:00:00Z");
    volatile Instant windowEnd = Instant.parse("2027-05-03T00:00:00Z");

    @Override
    public String source() { return "acme"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) {
      Instant now = clock.instant();
      return new IssuedCertificate(CA.leaf(r.domains(), r.keyType(), now, now.plus(Duration.ofDays(90))), Map.of());
    }

    @Override
    public Optional<RenewalInfoSource> renewalInfo() {
      return Optional.of(id -> new RenewalInfo(windowStart, windowEnd, Optional.empty(), Duration.ofHours(1)));
    }

    @Override
    public void revoke(CertificateBundle bundle, String reason) { }
  }

  final Ca ca = new Ca();

  CertManager manager() {
    ManagedCertificate www = ManagedCertificate.builder("www", List.of("www.example.test"), "acme").issuer(ca)
        .targets(List.of(lb)).windows("lb", List.of(DeployWindow.parse("Sat 02:00-05:00 UTC"))).build();
    return CertManager.builder().store(store).clock(clock).certificate(www).listener(events::add).build();
  }

  /** Issued on Wednesday, served from Saturday's window on; then Monday comes. */
  private String servedFromTheWindow(CertManager m) throws Exception {
    m.reconcile();
    assertThat(lb.served).as("waits for Saturday").isNull();
    clock.set(Instant.parse("2027-03-06T02:00:00Z"));
    m.reconcile();
    String v1 = store.current("www").orElseThrow().sha256();
    assertThat(lb.served).isEqualTo(v1);
    clock.set(Instant.parse("2027-03-08T09:00:00Z"));
    return v1;
  }

  @Test
  void aCertificateTheCaIsAboutToRevokeIsReplacedOutsideTheWindow() throws Exception {
    try (CertManager m = manager()) {
      String v1 = servedFromTheWindow(m);
      ca.windowStart = clock.instant();
      ca.windowEnd = clock.instant().plus(Duration.ofHours(24)); // revoked tomorrow, the window opens on Saturday

      m.reconcile();

      String v2 = store.current("www").orElseThrow().sha256();
      assertThat(v2).isNotEqualTo(v1);
      assertThat(lb.served).isEqualTo(v2);
      assertThat(events).anySatisfy(e -> assertThat(e.message()).contains("deploying outside the maintenance window")
          .contains("is to be revoked by 2027-03-09T09:00:00Z"));
    }
  }

  @Test
  void aRevokedCertificateIsReplacedOutsideTheWindow() throws Exception {
    try (CertManager m = manager()) {
      String v1 = servedFromTheWindow(m);
      m.revoke("www", "keyCompromise");

      m.reconcile();

      String v2 = store.current("www").orElseThrow().sha256();
      assertThat(v2).isNotEqualTo(v1);
      assertThat(lb.served).isEqualTo(v2);
      assertThat(events).anySatisfy(e -> assertThat(e.message()).contains("the certificate it serves is revoked"));
      assertThat(store.state("www").revocations()).containsKey(v1);
    }
  }

  @Test
  void aRevocationIsForgottenOnceNoTargetServesTheVersion() throws Exception {
    try (CertManager m = manager()) {
      String v1 = servedFromTheWindow(m);
      m.revoke("www", "keyCompromise");
      m.reconcile();
      clock.advance(Duration.ofHours(1));
      m.renew("www", false);
      assertThat(store.state("www").revocations()).doesNotContainKey(v1);
    }
  }
}
