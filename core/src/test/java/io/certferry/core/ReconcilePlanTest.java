package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployPlan;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.StoreDocuments;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link CertManager#plan()}: the engine's decisions, through the library, with nothing done or told. */
class ReconcilePlanTest {
  static final TestPki.Ca CA = TestPki.root("Plan Test CA");
  final MemoryStore store = new MemoryStore();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z")); // a Wednesday
  final List<LifecycleEvent> told = new CopyOnWriteArrayList<>();
  final AtomicInteger orders = new AtomicInteger();
  volatile String failWith;
  final Target lb = new Target("lb");
  CertManager manager;

  final Issuer issuer = new Issuer() {
    @Override
    public String source() { return "local"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) throws IssueException {
      orders.incrementAndGet();
      if (failWith != null) {
        throw new IssueException(IssueException.Kind.CA_UNREACHABLE, failWith);
      }
      return new IssuedCertificate(CA.leaf(r.domains(), r.keyType(), clock.instant(), clock.instant().plus(Duration.ofDays(90))),
          Map.of());
    }
  };

  static final class Target implements DeployTarget {
    final String id;
    volatile String served;
    volatile boolean failing;
    final AtomicInteger deploys = new AtomicInteger();

    Target(String id) { this.id = id; }

    @Override
    public String id() { return id; }

    @Override
    public Optional<String> deployedFingerprint() { return Optional.ofNullable(served); }

    @Override
    public DeployReceipt deploy(CertificateBundle b) throws DeployException {
      deploys.incrementAndGet();
      if (failing) {
        throw new DeployException("the load balancer said no (test)");
      }
      served = b.sha256();
      return DeployReceipt.changed(id, b.sha256(), Instant.EPOCH, "ok");
    }
  }

  CertManager manager(ManagedCertificate mc) {
    if (manager != null) {
      manager.close();
    }
    manager = CertManager.builder().store(store).clock(clock).issuer("local", issuer).listener(told::add)
        .notifier(told::add).certificate(mc).build();
    return manager;
  }

  @AfterEach
  void close() {
    if (manager != null) {
      manager.close();
    }
  }

  ManagedCertificate www() {
    return ManagedCertificate.of("www", List.of("www.example.test"), "local").withTargets(List.of(lb));
  }

  /** What the store holds of a lineage, as bytes: the plan must leave every document as it was. */
  String snapshot() {
    return new String(StoreDocuments.toJson(store.state("www"))) + new String(StoreDocuments.toJson(store.deployments("www")))
        + store.versions("www").size() + store.spec("www").map(s -> new String(StoreDocuments.toJson(s))).orElse("-");
  }

  @Test
  void aFirstVersionWouldBeIssuedAndDeployedAndNothingIsDone() throws Exception {
    ReconcilePlan plan = manager(www()).plan();

    ReconcilePlan.CertificatePlan p = plan.certificates().get(0);
    assertThat(p.action()).isEqualTo(ReconcilePlan.Action.ISSUE);
    assertThat(p.why()).isEqualTo("no certificate stored yet; would order from local");
    assertThat(p.targets()).containsExactly(new DeployPlan("lb", DeployPlan.Step.DEPLOY,
        "gets the first version once it is issued"));
    assertThat(plan.changesSomething()).isTrue();
    assertThat(orders).hasValue(0);
    assertThat(lb.deploys).hasValue(0);
    assertThat(store.names()).as("not even the spec is written").isEmpty();
    assertThat(told).isEmpty();
  }

  @Test
  void aFailingIssuerIsHeldByItsBackoffAndAFailedTargetBacksOff() throws Exception {
    CertManager m = manager(www());
    m.reconcile();
    clock.advance(Duration.ofDays(61));
    failWith = "the CA is down (test)";
    lb.failing = true;
    m.reconcile(); // the renewal fails and backs off
    String before = snapshot();
    told.clear();

    ReconcilePlan.CertificatePlan p = m.plan().certificates().get(0);

    assertThat(p.action()).isEqualTo(ReconcilePlan.Action.HELD);
    assertThat(p.why()).startsWith("1 failed attempt(s), next attempt not before ").contains("the CA is down (test)");
    assertThat(p.targets().get(0).step()).as("it still serves the version in hand").isEqualTo(DeployPlan.Step.NONE);
    assertThat(snapshot()).isEqualTo(before);
    assertThat(told).isEmpty();

    lb.served = null; // the target lost it and its deploy fails
    failWith = null;
    clock.advance(Duration.ofHours(2));
    m.reconcile(); // renewed; the deploy of the new version fails
    before = snapshot();
    ReconcilePlan.CertificatePlan q = m.plan().certificates().get(0);
    assertThat(q.action()).isEqualTo(ReconcilePlan.Action.NONE);
    assertThat(q.targets().get(0).step()).isEqualTo(DeployPlan.Step.BACKING_OFF);
    assertThat(q.targets().get(0).why()).contains("failed attempt(s), next not before", "the load balancer said no");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aTargetOutsideItsWindowWaitsAndTheDueAlertIsNamedButNotSent() throws Exception {
    ManagedCertificate mc = www().toBuilder().windows("lb", List.of(DeployWindow.parse("Sat 02:00-05:00 UTC"))).build();
    CertManager m = manager(mc);
    lb.served = "0".repeat(64); // something else; a deploy waits for Saturday
    store.addVersion("www", CA.leaf(List.of("www.example.test"), KeyType.EC_P256,
        clock.instant().minus(Duration.ofDays(80)), clock.instant().plus(Duration.ofDays(10))), "local", Map.of());

    ReconcilePlan.CertificatePlan p = m.plan().certificates().get(0);

    assertThat(p.action()).isEqualTo(ReconcilePlan.Action.RENEW);
    assertThat(p.why()).startsWith("due since ");
    assertThat(p.targets()).singleElement().satisfies(t -> {
      assertThat(t.step()).isEqualTo(DeployPlan.Step.WAIT);
      assertThat(t.why()).startsWith("waiting for the maintenance window (Sat 02:00-05:00 UTC), which opens at 2026-11-28T02:00");
    });
    assertThat(p.alerts()).singleElement().asString().contains("www expires in 10 days");
    assertThat(told).isEmpty();
    assertThat(orders).hasValue(0);
  }

  @Test
  void onlyLetsEncryptHasAKnownStagingDirectory() {
    assertThat(AcmeDirectories.stagingOf(AcmeDirectories.resolve("letsencrypt")))
        .contains(URI.create("https://acme-staging-v02.api.letsencrypt.org/directory"));
    assertThat(AcmeDirectories.stagingOf(AcmeDirectories.resolve("letsencrypt-staging")))
        .contains(URI.create("https://acme-staging-v02.api.letsencrypt.org/directory"));
    assertThat(AcmeDirectories.stagingOf(AcmeDirectories.resolve("zerossl"))).isEmpty();
    assertThat(AcmeDirectories.stagingOf(URI.create("https://ca.example/acme/directory"))).isEmpty();
  }

  @Test
  void aTrialIssuanceReturnsTheFactsAndStoresNothing() throws Exception {
    StoredVersion v = manager(www()).trialIssue("www", issuer);

    assertThat(v.number()).isZero();
    assertThat(v.domains()).containsExactly("www.example.test");
    assertThat(store.names()).isEmpty();
    assertThat(lb.deploys).hasValue(0);
    assertThat(told).isEmpty();
  }
}
