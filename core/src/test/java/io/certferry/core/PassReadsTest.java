package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.ObservedStore;
import io.certferry.core.testing.TestPki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a pass reads when it has nothing to do but look: no bundle and no private key (only a target that must be
 * given the certificate needs them), and each lineage file once. The agent makes such a pass for every
 * certificate whenever it wakes; a year of them is most of its work.
 */
class PassReadsTest {
  static final TestPki.Ca CA = TestPki.root("Pass Reads Test CA");
  final MutableClock clock = new MutableClock(Instant.parse("2027-03-01T00:00:00Z"));
  final ObservedStore store = ObservedStore.counting(new MemoryStore());

  final Issuer issuer = new Issuer() {
    @Override
    public String source() { return "local"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) {
      Instant now = clock.instant();
      return new IssuedCertificate(CA.leaf(r.domains(), r.keyType(), now, now.plus(Duration.ofDays(90))), Map.of());
    }
  };

  @Test
  void aPassWithEveryTargetInSyncReadsNoKeyAndEachFileOnce() throws Exception {
    CertManagerTest.MemTarget lb = new CertManagerTest.MemTarget("lb");
    CertManagerTest.MemTarget cdn = new CertManagerTest.MemTarget("cdn");
    ManagedCertificate www = ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(issuer)
        .withTargets(List.of(lb, cdn));
    try (CertManager m = CertManager.builder().store(store).clock(clock).certificate(www).build()) {
      m.reconcile();
      assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
      store.resetCounts();
      clock.advance(Duration.ofDays(1));

      CertificateStatus s = m.renew("www", false); // a full pass, not the quiet path

      assertThat(s.targets()).extracting(CertificateStatus.TargetStatus::state).containsOnly("in-sync");
      assertThat(store.calls("load")).as("bundles (and keys) read").isZero();
      assertThat(store.calls("deployments")).as("deployments.json reads").isEqualTo(1);
    }
  }

  @Test
  void aCertificateThatIsNotDueIsReportedFromOneReadOfEachFile() throws Exception {
    CertManagerTest.MemTarget lb = new CertManagerTest.MemTarget("lb");
    ManagedCertificate www = ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(issuer)
        .withTargets(List.of(lb));
    try (CertManager m = CertManager.builder().store(store).clock(clock).certificate(www).build()) {
      m.reconcile();
      store.resetCounts();
      clock.advance(Duration.ofHours(1));

      ReconcileReport quiet = m.reconcile(); // not due: reported from the store, nothing contacted

      assertThat(quiet.certificates().get(0).state()).isEqualTo("valid");
      assertThat(store.calls("current")).as("current reads").isEqualTo(1);
      assertThat(store.calls("state")).as("state.json reads").isEqualTo(1);
      assertThat(store.calls("deployments")).as("deployments.json reads").isEqualTo(1);
      assertThat(store.calls("load")).isZero();
    }
  }

  @Test
  void aTargetThatNeedsTheCertificateGetsItRead() throws Exception {
    CertManagerTest.MemTarget lb = new CertManagerTest.MemTarget("lb");
    ManagedCertificate www = ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(issuer)
        .withTargets(List.of(lb));
    try (CertManager m = CertManager.builder().store(store).clock(clock).certificate(www).build()) {
      m.reconcile();
      lb.served = null; // someone put another certificate on it
      store.resetCounts();

      m.renew("www", false);

      assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
      assertThat(store.calls("load")).isEqualTo(1);
    }
  }
}
