package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.internal.CertificatePass;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.Revoker;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalInfo;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CertManagerTest {
  static final TestPki.Ca CA = TestPki.root("CertManager Test CA");
  final MemoryStore store = new MemoryStore();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
  final List<LifecycleEvent> alerts = new CopyOnWriteArrayList<>();
  final List<CertManager> managers = new ArrayList<>();

  /** Issues 90-day certificates from the test CA at the fake clock's time. */
  final class FakeIssuer implements Issuer {
    final AtomicInteger calls = new AtomicInteger();
    volatile String failWith;
    volatile IssueRequest last;

    @Override
    public String source() { return "local"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) throws IssueException {
      calls.incrementAndGet();
      last = r;
      if (failWith != null) {
        throw new IssueException(IssueException.Kind.CA_UNREACHABLE, failWith);
      }
      Instant now = clock.instant();
      CertificateBundle b = r.reuseKey().isPresent()
          ? CA.leaf(r.domains(), r.reuseKey().get(), now, now.plus(Duration.ofDays(90)))
          : CA.leaf(r.domains(), r.keyType(), now, now.plus(Duration.ofDays(90)));
      return new IssuedCertificate(b, Map.of("order", "https://ca.test/order/" + calls.get()));
    }
  }

  static final class MemTarget implements DeployTarget {
    final String id;
    volatile String served;
    volatile boolean failing;
    /** Set: the account's request budget is used up until then (what a provider's client says). */
    volatile Instant budgetBackAt;

    MemTarget(String id) { this.id = id; }

    @Override
    public String id() { return id; }

    @Override
    public Optional<String> deployedFingerprint() { return Optional.ofNullable(served); }

    @Override
    public DeployReceipt deploy(CertificateBundle b) throws DeployException {
      if (failing) {
        throw new DeployException("load balancer said no (test)");
      }
      if (budgetBackAt != null) {
        throw DeployException.waiting("PUT /v2/load_balancers/lb not sent: the client-side limit of 250 requests"
            + " per 60 s is used up", budgetBackAt);
      }
      served = b.sha256();
      return DeployReceipt.changed(id, b.sha256(), Instant.now(), "ok");
    }
  }

  final FakeIssuer issuer = new FakeIssuer();
  final MemTarget lb = new MemTarget("lb");
  final MemTarget cdn = new MemTarget("cdn");

  CertManager manager(ManagedCertificate... certs) {
    CertManagerBuilder b = CertManager.builder().store(store).clock(clock).issuer("local", issuer)
        .listener(events::add).notifier(alerts::add).maxInterval(Duration.ofDays(365))
        .alertPolicy(AlertPolicy.of(List.of(30, 14, 7, 3, 1), Duration.ofHours(1)));
    for (ManagedCertificate c : certs) {
      b.certificate(c);
    }
    CertManager m = b.build();
    managers.add(m);
    return m;
  }

  @AfterEach
  void close() { managers.forEach(CertManager::close); }

  ManagedCertificate www() {
    return ManagedCertificate.of("www", List.of("www.example.test", "example.test"), "local").withTargets(List.of(lb, cdn));
  }

  @Test
  void issuesDeploysAndThenRenewsWhenTimeComes() throws Exception {
    CertManager m = manager(www());
    ReconcileReport first = m.reconcile();
    assertThat(issuer.calls).hasValue(1);
    CertificateStatus s = first.certificates().get(0);
    assertThat(s.state()).isEqualTo("valid");
    assertThat(s.renewedNow()).isTrue();
    assertThat(s.targets()).extracting(CertificateStatus.TargetStatus::state).containsOnly("in-sync");
    assertThat(first.allGood()).isTrue();
    String v1 = store.current("www").orElseThrow().sha256();
    assertThat(lb.served).isEqualTo(v1);
    assertThat(cdn.served).isEqualTo(v1);
    // 90-day certificate renews with a third of its life left: after 60 days.
    assertThat(first.nextWakeUp()).isEqualTo(clock.instant().plus(Duration.ofDays(60)));
    assertThat(events).extracting(LifecycleEvent::type).contains(LifecycleEvent.Type.ISSUED, LifecycleEvent.Type.DEPLOYED);

    ReconcileReport second = m.reconcile();
    assertThat(issuer.calls).hasValue(1);
    assertThat(second.certificates().get(0).renewedNow()).isFalse();
    assertThat(second.allGood()).isTrue();

    clock.advance(Duration.ofDays(59));
    assertThat(m.reconcile().certificates().get(0).state()).isEqualTo("valid");
    assertThat(issuer.calls).hasValue(1);

    clock.advance(Duration.ofDays(2));
    ReconcileReport renewed = m.reconcile();
    assertThat(issuer.calls).hasValue(2);
    assertThat(store.versions("www")).hasSize(2);
    String v2 = store.current("www").orElseThrow().sha256();
    assertThat(v2).isNotEqualTo(v1);
    assertThat(lb.served).isEqualTo(v2);
    assertThat(cdn.served).isEqualTo(v2);
    assertThat(renewed.allGood()).isTrue();
    assertThat(events).extracting(LifecycleEvent::type).contains(LifecycleEvent.Type.RENEWED);
    assertThat(alerts).isEmpty();
  }

  @Test
  void reuseKeyKeepsTheKeyAcrossRenewal() throws Exception {
    CertManager m = manager(www().withOptions(Map.of("reuseKey", "true")));
    m.reconcile();
    var k1 = store.load("www", 1).privateKey();
    clock.advance(Duration.ofDays(61));
    m.reconcile();
    assertThat(store.load("www", 2).privateKey()).isEqualTo(k1);
    assertThat(issuer.last.reuseKey()).isPresent();
  }

  @Test
  void changedDomainsTriggerANewCertificate() throws Exception {
    manager(www()).reconcile();
    ManagedCertificate more = ManagedCertificate.of("www", List.of("www.example.test", "example.test", "media.example.test"),
        "local").withTargets(List.of(lb, cdn));
    manager(more).reconcile();
    assertThat(issuer.calls).hasValue(2);
    assertThat(store.current("www").orElseThrow().domains()).contains("media.example.test");
  }

  @Test
  void failedIssuanceBacksOffAndIsPersisted() throws Exception {
    issuer.failWith = "CA unreachable (test)";
    ReconcileReport r = manager(www()).reconcile();
    assertThat(r.certificates().get(0).state()).isEqualTo("missing");
    assertThat(r.certificates().get(0).error().orElseThrow()).startsWith("CA unreachable (test)").contains("attempt 1");
    assertThat(r.allGood()).isFalse();
    var st = store.state("www");
    assertThat(st.failure().attempts()).isEqualTo(1);
    assertThat(st.failure().kind()).isEqualTo("ca-unreachable");
    assertThat(st.failure().nextAttempt()).isAfter(clock.instant());
    assertThat(r.nextWakeUp()).isEqualTo(st.failure().nextAttempt());

    manager(www()).reconcile();
    assertThat(issuer.calls).hasValue(1);

    issuer.failWith = null;
    clock.set(st.failure().nextAttempt());
    assertThat(manager(www()).reconcile().allGood()).isTrue();
    assertThat(issuer.calls).hasValue(2);
    assertThat(store.state("www").failure()).isNull();
  }

  @Test
  void persistentTargetFailureAlertsOnceAndRecoveryGivesOneAllClear() throws Exception {
    lb.failing = true;
    CertManager m = manager(www());
    ReconcileReport r = m.reconcile();
    assertThat(r.certificates().get(0).targets()).extracting(CertificateStatus.TargetStatus::state)
        .containsExactly("failed", "in-sync");
    assertThat(r.nextWakeUp()).isEqualTo(store.deployments("www").target("lb").orElseThrow().nextAttempt());
    assertThat(alerts).isEmpty();

    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofMinutes(31));
      m.reconcile();
    }
    // The first alert an hour after the failure began, a reminder an hour after that.
    assertThat(alerts).hasSize(2).allSatisfy(a -> {
      assertThat(a.type()).isEqualTo(LifecycleEvent.Type.DEPLOY_FAILED);
      assertThat(a.target()).contains("lb");
      assertThat(a.message()).contains("the current certificate expires in 89d");
    });
    assertThat(alerts).extracting(a -> a.details().get("count")).containsExactly("1", "2");
    clock.advance(Duration.ofHours(3)); // the next reminder waits 4 hours
    m.reconcile();
    assertThat(alerts).hasSize(2);

    lb.failing = false;
    clock.advance(Duration.ofHours(7));
    m.reconcile();
    m.reconcile();
    // Working again by the first pass after the jump: one all-clear, no late reminder.
    assertThat(alerts).hasSize(3);
    assertThat(alerts.get(2).type()).isEqualTo(LifecycleEvent.Type.RECOVERED);
    assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
  }

  @Test
  void importedCertificateEscalatesAsExpiryNearsThenAllClearOnReplacement() throws Exception {
    Instant now = clock.instant();
    store.addVersion("shop", CA.leaf(List.of("shop.example.test"), KeyType.EC_P256, now.minus(Duration.ofDays(330)),
        now.plus(Duration.ofDays(35))), "imported", Map.of());
    ManagedCertificate shop = ManagedCertificate.of("shop", List.of("shop.example.test"), "imported");
    CertManager m = manager(shop);
    ReconcileReport r = m.reconcile();
    assertThat(r.certificates().get(0).state()).isEqualTo("renewal-due");
    assertThat(alerts).isEmpty();
    // next wake-up: the 30-day crossing
    assertThat(r.nextWakeUp()).isEqualTo(now.plus(Duration.ofDays(5)));

    clock.advance(Duration.ofDays(5));
    m.reconcile();
    m.reconcile();
    assertThat(alerts).extracting(LifecycleEvent::type).containsExactly(LifecycleEvent.Type.EXPIRING);
    assertThat(alerts.get(0).details()).containsEntry("level", "30");

    clock.advance(Duration.ofDays(17)); // 13 days left
    m.reconcile();
    clock.advance(Duration.ofDays(12)); // 1 day left: skips 7 and 3, one alert for the most urgent
    m.reconcile();
    m.reconcile();
    assertThat(alerts).extracting(a -> a.details().get("level")).containsExactly("30", "14", "1");
    assertThat(store.state("shop").alerts()).containsKey("alert.expiry");

    // A restart does not repeat the alert.
    manager(shop).reconcile();
    assertThat(alerts).hasSize(3);

    clock.advance(Duration.ofDays(2));
    m.reconcile();
    assertThat(alerts.get(3).type()).isEqualTo(LifecycleEvent.Type.EXPIRED);
    assertThat(m.reconcile().certificates().get(0).state()).isEqualTo("expired");

    Instant t = clock.instant();
    StoredVersion fresh = store.addVersion("shop", CA.leaf(List.of("shop.example.test"), KeyType.EC_P256, t, t.plus(Duration.ofDays(365))),
        "imported", Map.of());
    ReconcileReport after = m.reconcile();
    assertThat(after.certificates().get(0).state()).isEqualTo("valid");
    assertThat(alerts).hasSize(5);
    assertThat(alerts.get(4).type()).isEqualTo(LifecycleEvent.Type.RECOVERED);
    assertThat(alerts.get(4).message()).contains(fresh.notAfter().toString());
    m.reconcile();
    assertThat(alerts).hasSize(5);
  }

  @Test
  void importedCertificateMissingIsReportedWithTheFix() throws Exception {
    ReconcileReport r = manager(ManagedCertificate.of("shop", List.of("shop.example.test"), "imported")).reconcile();
    assertThat(r.certificates().get(0).state()).isEqualTo("missing");
    assertThat(r.certificates().get(0).error().orElseThrow()).contains("certferry import --name shop");
  }

  @Test
  void renewalFollowsTheCasAriWindowAndWakesForTheNextPoll() throws Exception {
    Instant start = clock.instant();
    AtomicReference<String> askedFor = new AtomicReference<>();
    RenewalInfoSource ca = id -> {
      askedFor.set(id);
      return new RenewalInfo(start.plus(Duration.ofDays(10)), start.plus(Duration.ofDays(11)),
          Optional.empty(), Duration.ofHours(6));
    };
    Issuer withAri = new Issuer() {
      @Override
      public String source() { return "local"; }

      @Override
      public IssuedCertificate issue(IssueRequest r) throws IssueException { return issuer.issue(r); }

      @Override
      public Optional<RenewalInfoSource> renewalInfo() { return Optional.of(ca); }
    };
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", withAri)
        .maxInterval(Duration.ofDays(365)).certificate(www()).build();
    managers.add(m);
    ReconcileReport r = m.reconcile();
    StoredVersion v1 = store.current("www").orElseThrow();
    assertThat(v1.details()).containsKey("ariCertId");
    assertThat(askedFor.get()).isEqualTo(v1.details().get("ariCertId"));
    var st = store.state("www");
    assertThat(st.ari().windowStart()).isEqualTo(start.plus(Duration.ofDays(10)));
    Instant renewAt = r.certificates().get(0).renewAt().orElseThrow();
    // The CA's window (days 10-11) wins over the lifetime rule (day 60); the next poll (6 h) comes first.
    assertThat(renewAt).isBetween(start.plus(Duration.ofDays(10)), start.plus(Duration.ofDays(11)));
    assertThat(r.nextWakeUp()).isEqualTo(start.plus(Duration.ofHours(6)));

    clock.set(renewAt.plus(Duration.ofMinutes(1)));
    m.reconcile();
    assertThat(store.versions("www")).hasSize(2);
    assertThat(issuer.last.replaces()).contains(v1.details().get("ariCertId"));
  }

  @Test
  void issuerBugIsBackedOffNotRetriedEveryPass() throws Exception {
    Issuer broken = new Issuer() {
      @Override
      public String source() { return "local"; }

      @Override
      public IssuedCertificate issue(IssueRequest r) { throw new IllegalStateException("issuer bug (test)"); }
    };
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", broken).certificate(www()).build();
    managers.add(m);
    ReconcileReport r = m.reconcile();
    assertThat(r.certificates().get(0).error().orElseThrow()).contains("issuer bug (test)");
    assertThat(store.state("www").failure().attempts()).isEqualTo(1);
    assertThat(store.state("www").failure().kind()).isEqualTo("local-error");
    assertThat(r.nextWakeUp()).isEqualTo(store.state("www").failure().nextAttempt());
  }

  @Test
  void importEmitsImportedKeepsTheNamesTheLineageExpectsAndIsIdempotent() throws Exception {
    CertManager m = manager(ManagedCertificate.of("shop", List.of("shop.example.test"), "imported"));
    Instant now = clock.instant();
    CertificateBundle bought = CA.leaf(List.of("shop.example.test"), KeyType.EC_P256, now, now.plus(Duration.ofDays(365)));

    CertManager.Imported first = m.importVersion("shop", bought, Map.of("importedFrom", "shop.crt"));
    CertManager.Imported again = m.importVersion("shop", bought, Map.of());

    assertThat(first.added()).isTrue();
    assertThat(again.added()).isFalse();
    assertThat(again.version().number()).isEqualTo(1);
    assertThat(events).filteredOn(e -> e.type() == LifecycleEvent.Type.IMPORTED).hasSize(1);
    assertThat(store.state("shop").plan().renewAt()).isEqualTo(bought.notAfter().minus(Duration.ofDays(365).dividedBy(3)));
    CertificateBundle other = CA.leaf(List.of("blog.example.test"), KeyType.EC_P256, now, now.plus(Duration.ofDays(90)));
    Assertions.assertThatThrownBy(() -> m.importVersion("shop", other, Map.of()))
        .isInstanceOf(InputRejectedException.class).hasMessageContaining("does not cover shop.example.test");
    assertThat(store.versions("shop")).hasSize(1);
  }

  @Test
  void revokeTellsPeopleAndTheNextPassRenews() throws Exception {
    List<String> revoked = new CopyOnWriteArrayList<>();
    class RevokingIssuer implements Issuer, Revoker {
      @Override public String source() { return "local"; }

      @Override public IssuedCertificate issue(IssueRequest r) throws IssueException { return issuer.issue(r); }

      @Override public void revoke(CertificateBundle b, String reason) { revoked.add(b.serial() + " " + reason); }
    }
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", new RevokingIssuer())
        .listener(events::add).notifier(alerts::add).certificate(www()).build();
    managers.add(m);
    m.reconcile();
    StoredVersion v1 = store.current("www").orElseThrow();

    m.revoke("www", "keyCompromise");
    ReconcileReport after = m.reconcile();

    assertThat(revoked).containsExactly(v1.serial() + " keyCompromise");
    assertThat(alerts).extracting(LifecycleEvent::type).containsExactly(LifecycleEvent.Type.REVOKED);
    assertThat(after.certificates().get(0).renewedNow()).isTrue();
    assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
  }

  @Test
  void aRateLimitHoldsNewOrdersUntilTheCasRetryAfterAndIsCountedAsSuch() throws Exception {
    Instant until = clock.instant().plus(Duration.ofHours(3));
    Issuer limited = new Issuer() {
      @Override public String source() { return "local"; }

      @Override public IssuedCertificate issue(IssueRequest r) throws IssueException {
        issuer.calls.incrementAndGet();
        throw new IssueException(IssueException.Kind.RATE_LIMITED, "too many certificates (test)", until, null);
      }
    };
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", limited).listener(events::add)
        .certificate(www()).build();
    managers.add(m);

    ReconcileReport r = m.reconcile();
    clock.advance(Duration.ofHours(1));
    manager(www()); // a restart does not forget it
    CertManager again = CertManager.builder().store(store).clock(clock).issuer("local", limited).certificate(www()).build();
    managers.add(again);
    again.reconcile();

    assertThat(issuer.calls).hasValue(1);
    assertThat(store.state("www").noOrderBefore()).isEqualTo(until);
    assertThat(store.state("www").failure().attempts()).as("a rate limit is not a failed attempt").isZero();
    assertThat(store.state("www").failure().kind()).isEqualTo("rate-limited");
    // Awake at 11:00 to tell people it has been failing an hour; the CA is not asked before 13:00.
    assertThat(r.nextWakeUp()).isEqualTo(clock.instant().minus(Duration.ofHours(1)).plus(Duration.ofHours(1)));
    assertThat(events).filteredOn(e -> e.type() == LifecycleEvent.Type.RATE_LIMITED)
        .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("result", "rate-limited"));
  }

  @Test
  void aBrokenDnsTokenIsOurSideNotARateLimit() throws Exception {
    // A DNSimple 401 during dns-01 once showed up as a rate limit and set noOrderBefore.
    Issuer dns401 = new Issuer() {
      @Override public String source() { return "local"; }

      @Override public IssuedCertificate issue(IssueRequest r) throws IssueException {
        throw new IssueException(IssueException.Kind.LOCAL, "dns-01: DNSimple answered 401 (test)", clock.instant()
            .plus(Duration.ofMinutes(30)), null);
      }
    };
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", dns401).listener(events::add)
        .certificate(www()).build();
    managers.add(m);
    m.reconcile();

    assertThat(store.state("www").noOrderBefore()).isNull();
    assertThat(store.state("www").failure().kind()).isEqualTo("local-error");
    assertThat(events).filteredOn(e -> e.type() == LifecycleEvent.Type.RENEWAL_FAILED)
        .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("result", "local-error"));
  }

  @Test
  void aTargetThatHangsIsCutOffAtTheTargetTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    DeployTarget hanging = new DeployTarget() {
      @Override public String id() { return "hangs"; }

      @Override public Optional<String> deployedFingerprint() { return Optional.empty(); }

      @Override public DeployReceipt deploy(CertificateBundle b) throws DeployException {
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new DeployException("interrupted");
      }
    };
    CertManager m = CertManager.builder().store(store).clock(clock).issuer("local", issuer)
        .targetTimeout(Duration.ofMillis(200)).certificate(www().withTargets(List.of(lb, hanging))).build();
    managers.add(m);

    ReconcileReport r = m.reconcile();

    assertThat(r.certificates().get(0).targets()).extracting(CertificateStatus.TargetStatus::state)
        .containsExactly("in-sync", "failed");
    assertThat(r.certificates().get(0).targets().get(1).lastError().orElseThrow()).contains("did not finish within PT0.2S");
  }

  /** When the last version was made, by the engine's clock. */
  private Instant renewedAt() {
    return events.stream().filter(e -> e.type() == LifecycleEvent.Type.RENEWED).reduce((a, b) -> b).orElseThrow().at();
  }

  /** An issuer named {@code id} that fails while {@code down} is set. */
  final class NamedIssuer implements Issuer {
    final String id;
    final AtomicInteger calls = new AtomicInteger();
    volatile boolean down;
    volatile IssueRequest last;

    NamedIssuer(String id) { this.id = id; }

    @Override public String source() { return "local"; }

    @Override public String id() { return id; }

    @Override public IssuedCertificate issue(IssueRequest r) throws IssueException {
      calls.incrementAndGet();
      last = r;
      if (down) {
        throw new IssueException(IssueException.Kind.CA_UNREACHABLE, id + " is down (test)");
      }
      return issuer.issue(r);
    }
  }

  @Test
  void aCaThatKeepsFailingFallsBackToTheNextAndTheFirstIsAskedAgainAtTheNextRenewal() throws Exception {
    NamedIssuer primary = new NamedIssuer("https://primary.test/dir");
    NamedIssuer second = new NamedIssuer("https://second.test/dir");
    ManagedCertificate mc = www().toBuilder().issuer(primary).fallbacks(List.of(second))
        .fallbackAfter(Duration.ofHours(6)).build();
    CertManager m = CertManager.builder().store(store).clock(clock).listener(events::add).notifier(alerts::add)
        .maxInterval(Duration.ofDays(365)).certificate(mc).build();
    managers.add(m);
    m.reconcile();
    assertThat(store.current("www").orElseThrow().details()).containsEntry("issuer", primary.id);

    clock.advance(Duration.ofDays(61)); // due; the primary CA is down from now on
    primary.down = true;
    Instant downSince = clock.instant();
    ReconcileReport r = m.reconcile();
    while (store.versions("www").size() < 2 && clock.instant().isBefore(downSince.plus(Duration.ofDays(2)))) {
      clock.set(r.nextWakeUp());
      r = m.reconcile();
    }

    StoredVersion v2 = store.current("www").orElseThrow();
    assertThat(v2.details()).containsEntry("issuer", second.id);
    assertThat(Duration.between(downSince, renewedAt())).as("fell back after the fallback time").isBetween(
        Duration.ofHours(6), Duration.ofHours(7));
    assertThat(second.last.replaces()).as("replaces goes only to the CA that issued the old one").isEmpty();
    assertThat(alerts).extracting(LifecycleEvent::type).contains(LifecycleEvent.Type.ISSUER_FALLBACK);
    assertThat(store.state("www").issuerIndex()).isZero();

    primary.down = false;
    clock.set(store.state("www").plan().renewAt().plusSeconds(60));
    m.reconcile();
    assertThat(store.current("www").orElseThrow().details()).containsEntry("issuer", primary.id);
  }

  @Test
  void littleLifetimeLeftFallsBackSooner() throws Exception {
    NamedIssuer primary = new NamedIssuer("https://primary.test/dir");
    NamedIssuer second = new NamedIssuer("https://second.test/dir");
    ManagedCertificate mc = www().toBuilder().issuer(primary).fallbacks(List.of(second))
        .fallbackAfter(Duration.ofDays(7)).build();
    CertManager m = CertManager.builder().store(store).clock(clock).listener(events::add)
        .maxInterval(Duration.ofDays(365)).certificate(mc).build();
    managers.add(m);
    m.reconcile();
    clock.set(store.current("www").orElseThrow().notAfter().minus(Duration.ofDays(2))); // 2 days left
    primary.down = true;
    Instant downSince = clock.instant();
    for (int i = 0; i < 50 && store.versions("www").size() < 2; i++) {
      clock.set(m.reconcile().nextWakeUp());
    }
    // Not the configured week: once the time failed reaches a quarter of the time still left (48 h at first),
    // which is after 9.6 hours.
    assertThat(Duration.between(downSince, renewedAt())).isBetween(Duration.ofMinutes(9 * 60 + 30), Duration.ofHours(11));
  }

  @Test
  void workPastTheRequestBudgetIsReportedAsWaitingNotFailedAndGoesWhenTheBudgetIsBack() throws Exception {
    Instant back = clock.instant().plus(Duration.ofMinutes(3));
    lb.budgetBackAt = back;
    CertManager m = manager(www());

    ReconcileReport first = m.reconcile();

    CertificateStatus.TargetStatus held = first.certificates().get(0).targets().get(0);
    assertThat(held.state()).isEqualTo(CertificateStatus.TargetStatus.WAITING);
    assertThat(held.nextAttempt()).contains(back);
    assertThat(held.lastError().orElseThrow()).contains("250 requests per 60 s");
    assertThat(m.status("www").orElseThrow().targets()).as("as list and --json read it from the store")
        .extracting(t -> t.id() + " " + t.state()).containsExactlyInAnyOrder("lb waiting", "cdn in-sync");
    assertThat(first.nextWakeUp()).isBeforeOrEqualTo(back);
    assertThat(events).extracting(LifecycleEvent::type).doesNotContain(LifecycleEvent.Type.DEPLOY_FAILED);
    assertThat(alerts).isEmpty();

    lb.budgetBackAt = null;
    clock.set(back);
    m.reconcile();
    assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
    assertThat(m.status("www").orElseThrow().targets()).extracting(CertificateStatus.TargetStatus::state)
        .containsOnly("in-sync");
  }

  @Test
  void aTargetOutsideItsMaintenanceWindowWaitsUnlessWhatItServesWouldExpireFirst() throws Exception {
    // Saturdays 02:00-05:00 UTC; the clock starts on a Wednesday.
    DeployWindow sat = DeployWindow.parse("Sat 02:00-05:00 UTC");
    ManagedCertificate mc = www().toBuilder().windows("lb", List.of(sat)).build();
    CertManager m = manager(mc);
    ReconcileReport first = m.reconcile();
    // Nothing served yet by lb: it waits for Saturday; the cdn has no window.
    assertThat(first.certificates().get(0).targets()).extracting(CertificateStatus.TargetStatus::state)
        .containsExactly("waiting", "in-sync");
    assertThat(first.certificates().get(0).targets().get(0).lastError().orElseThrow()).contains("maintenance window");
    assertThat(first.certificates().get(0).targets().get(0).nextAttempt()).contains(Instant.parse("2026-11-28T02:00:00Z"));
    assertThat(first.nextWakeUp()).isEqualTo(Instant.parse("2026-11-28T02:00:00Z"));
    assertThat(lb.served).isNull();

    clock.set(first.nextWakeUp());
    m.reconcile();
    String v1 = store.current("www").orElseThrow().sha256();
    assertThat(lb.served).isEqualTo(v1);

    // Renewal on a Monday with a day left of v1 (days before Saturday): deployed at once, saying why.
    clock.set(store.current("www").orElseThrow().notAfter().minus(Duration.ofDays(1)));
    m.reconcile();
    assertThat(lb.served).isNotEqualTo(v1).isEqualTo(store.current("www").orElseThrow().sha256());
    assertThat(events).anySatisfy(e -> assertThat(e.message()).contains("deploying outside the maintenance window"));
  }

  @Test
  void aFailingDecisionNeverLeavesAStoredVersionUndeployed() throws Exception {
    // An option the planner cannot read (check-config rejects it; an embedding tool may not check):
    // before, the first version was stored and then nothing was deployed, on every pass, for ever.
    CertManager m = manager(www().withOptions(Map.of("renewBefore", "thirty days")));

    ReconcileReport r = m.reconcile();

    CertificateStatus s = r.certificates().get(0);
    assertThat(store.versions("www")).hasSize(1);
    assertThat(s.targets()).extracting(CertificateStatus.TargetStatus::state).containsOnly("in-sync");
    assertThat(lb.served).isEqualTo(store.current("www").orElseThrow().sha256());
    assertThat(s.error().orElseThrow()).contains("renewBefore").contains("thirty days");
    assertThat(r.allGood()).isFalse();

    clock.advance(Duration.ofMinutes(61));
    m.reconcile();
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.type()).isEqualTo(LifecycleEvent.Type.RENEWAL_FAILED);
      assertThat(a.message()).contains("renewBefore");
    });
    assertThat(store.versions("www")).as("and it is not issued again and again").hasSize(1);
  }

  @Test
  void wildcardCoverage() {
    // One coverage rule (RFC 6125, x509.CertificateChecks) for the engine, import and check-config.
    assertThat(CertificatePass.covers(List.of("*.example.test"), List.of("media.example.test"))).isTrue();
    assertThat(CertificatePass.covers(List.of("*.example.test"), List.of("a.b.example.test"))).isFalse();
    assertThat(CertificatePass.covers(List.of("*.example.test"), List.of("example.test"))).isFalse();
    assertThat(CertificatePass.covers(List.of("*.example.test"), List.of("*.example.test"))).isTrue();
    assertThat(CertificatePass.uncovered(List.of("a.test"), List.of("a.test", "B.test")))
        .containsExactly("B.test");
  }
}
