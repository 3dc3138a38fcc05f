package io.certferry.core.deploy;

import io.certferry.core.Backoff;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeployerTest {
  static final TestPki.Ca CA = TestPki.root("Deployer Test CA");
  final MemoryStore store = new MemoryStore();
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final List<LifecycleEvent> events = new CopyOnWriteArrayList<>();
  final List<Deployer> deployers = new ArrayList<>();
  final CertificateBundle bundle = CA.leaf(List.of("www.example.test"));

  Deployer deployer(int parallelism) {
    Deployer d = Deployer.builder().store(store).clock(clock).parallelism(parallelism)
        .backoff(Backoff.of("test", Duration.ofMinutes(1), Duration.ofHours(1), 0).withRandom(new SplittableRandom(1)))
        .listener(events::add).targetTimeout(Duration.ofSeconds(20)).build();
    deployers.add(d);
    return d;
  }

  @AfterEach
  void close() { deployers.forEach(Deployer::close); }

  @Test
  void slowTargetsRunAtTheSameTime() throws Exception {
    int n = 5;
    CountDownLatch allInside = new CountDownLatch(n);
    List<FakeTarget> targets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FakeTarget t = new FakeTarget("t" + i);
      // Each deploy waits until every target is inside deploy: only a parallel fan-out gets through.
      t.duringDeploy = () -> {
        allInside.countDown();
        if (!allInside.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("targets were not deployed in parallel");
        }
      };
      targets.add(t);
    }
    DeployOutcome out = deployer(n).deploy("www", bundle, targets);
    assertThat(out.targets()).extracting(DeployOutcome.TargetOutcome::status).containsOnly(DeployOutcome.Status.DEPLOYED);
    assertThat(out.allInSync()).isTrue();
    assertThat(store.deployments("www").targets()).hasSize(n)
        .allSatisfy((id, rec) -> assertThat(rec.result()).isEqualTo(TargetDeployment.Result.IN_SYNC));
  }

  @Test
  void parallelismIsBounded() throws Exception {
    CountDownLatch two = new CountDownLatch(2);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<FakeTarget> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      FakeTarget t = new FakeTarget("t" + i);
      t.duringDeploy = () -> {
        int now = inside.incrementAndGet();
        most.accumulateAndGet(now, Math::max);
        two.countDown();
        two.await(10, TimeUnit.SECONDS);
        inside.decrementAndGet();
      };
      targets.add(t);
    }
    assertThat(deployer(2).deploy("www", bundle, targets).allInSync()).isTrue();
    assertThat(most.get()).isEqualTo(2);
  }

  @Test
  void workTheBudgetHoldsBackWaitsUnsentWithoutCountingAnAttemptOrAlerting() throws Exception {
    FakeTarget t = new FakeTarget("lb");
    Instant back = clock.instant().plus(Duration.ofMinutes(7));
    t.duringDeploy = () -> {
      throw DeployException.waiting("GET /v2/load_balancers not sent: the client-side limit of 250 requests per 60 s"
          + " is used up", back);
    };
    Deployer d = deployer(2);

    DeployOutcome first = d.deploy("www", bundle, List.of(t));

    assertThat(first.targets().get(0).status()).isEqualTo(DeployOutcome.Status.WAITING);
    TargetDeployment rec = store.deployments("www").target("lb").orElseThrow();
    assertThat(rec.result()).isEqualTo(TargetDeployment.Result.WAITING);
    assertThat(rec.attempts()).as("waiting is not a failed attempt").isZero();
    assertThat(rec.nextAttempt()).isEqualTo(back);
    assertThat(first.nextRetry()).contains(back);
    assertThat(events).extracting(LifecycleEvent::type).doesNotContain(LifecycleEvent.Type.DEPLOY_FAILED);

    clock.set(back.minusSeconds(1));
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.WAITING);
    assertThat(t.deploys).as("not contacted before the budget is back").hasValue(1);

    t.duringDeploy = () -> { };
    clock.set(back);
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
  }

  @Test
  void targetAlreadyServingTheCertificateIsSkipped() throws Exception {
    FakeTarget t = new FakeTarget("lb");
    Deployer d = deployer(2);
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    DeployOutcome again = d.deploy("www", bundle, List.of(t));
    assertThat(again.targets().get(0).status()).isEqualTo(DeployOutcome.Status.ALREADY_IN_SYNC);
    assertThat(t.deploys).hasValue(1);
  }

  @Test
  void targetThatDriftedIsDeployedAgain() throws Exception {
    FakeTarget t = new FakeTarget("lb");
    Deployer d = deployer(2);
    d.deploy("www", bundle, List.of(t));
    t.served = "someone-else-put-another-certificate-here";
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    assertThat(t.deploys).hasValue(2);
  }

  @Test
  void targetThatCannotTellIsTrustedOnItsRecordOnlyForTheSameCertificate() throws Exception {
    FakeTarget t = new FakeTarget("hook");
    t.canTell = false;
    Deployer d = deployer(2);
    d.deploy("www", bundle, List.of(t));
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.ALREADY_IN_SYNC);
    CertificateBundle next = CA.leaf(List.of("www.example.test"));
    assertThat(d.deploy("www", next, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    assertThat(t.deploys).hasValue(2);
  }

  @Test
  void targetThatLostTheCertificateIsDeployedAgainDespiteItsRecord() throws Exception {
    FakeTarget t = new FakeTarget("cdn");
    Deployer d = deployer(1);
    d.deploy("www", bundle, List.of(t));
    t.served = null; // someone removed it; the target can tell, so its record is not trusted
    assertThat(d.deploy("www", bundle, List.of(t)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    assertThat(t.deploys).hasValue(2);
  }

  @Test
  void targetFoundServingWithoutRecordIsAdoptedWithoutRedeploy() throws Exception {
    FakeTarget t = new FakeTarget("lb");
    t.served = bundle.sha256();
    DeployOutcome out = deployer(1).deploy("www", bundle, List.of(t));
    assertThat(out.targets().get(0).status()).isEqualTo(DeployOutcome.Status.ALREADY_IN_SYNC);
    assertThat(t.deploys).hasValue(0);
    assertThat(store.deployments("www").target("lb").orElseThrow().result()).isEqualTo(TargetDeployment.Result.IN_SYNC);
  }

  @Test
  void failingTargetDoesNotHoldUpTheOthers() throws Exception {
    FakeTarget bad = new FakeTarget("bad");
    bad.failing = true;
    FakeTarget good1 = new FakeTarget("good1");
    FakeTarget good2 = new FakeTarget("good2");
    DeployOutcome out = deployer(3).deploy("www", bundle, List.of(bad, good1, good2));
    assertThat(out.targets()).extracting(DeployOutcome.TargetOutcome::status)
        .containsExactly(DeployOutcome.Status.FAILED, DeployOutcome.Status.DEPLOYED, DeployOutcome.Status.DEPLOYED);
    assertThat(out.allInSync()).isFalse();
    assertThat(out.nextRetry()).contains(clock.instant().plus(Duration.ofMinutes(1)));
    TargetDeployment rec = store.deployments("www").target("bad").orElseThrow();
    assertThat(rec.result()).isEqualTo(TargetDeployment.Result.FAILED);
    assertThat(rec.lastError()).contains("refused the certificate");
    assertThat(events).extracting(LifecycleEvent::type).contains(LifecycleEvent.Type.DEPLOY_FAILED, LifecycleEvent.Type.VERIFIED);
  }

  @Test
  void hangingTargetTimesOutWhileTheOthersFinish() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeTarget stuck = new FakeTarget("stuck");
    stuck.duringDeploy = () -> release.await(30, TimeUnit.SECONDS);
    FakeTarget good = new FakeTarget("good");
    Deployer d = Deployer.builder().store(store).clock(clock).parallelism(2).targetTimeout(Duration.ofMillis(300)).build();
    deployers.add(d);
    try {
      DeployOutcome out = d.deploy("www", bundle, List.of(stuck, good));
      assertThat(out.targets().get(0).status()).isEqualTo(DeployOutcome.Status.FAILED);
      assertThat(out.targets().get(0).record().lastError()).contains("did not finish within");
      assertThat(out.targets().get(1).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    } finally {
      release.countDown();
    }
  }

  @Test
  void backoffIsPersistedAndHonouredByANewDeployer() throws Exception {
    FakeTarget bad = new FakeTarget("bad");
    bad.failing = true;
    deployer(1).deploy("www", bundle, List.of(bad));
    TargetDeployment first = store.deployments("www").target("bad").orElseThrow();
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));

    // A restart: a new deployer on the same store must not hammer the target before its time.
    Deployer fresh = deployer(1);
    assertThat(fresh.deploy("www", bundle, List.of(bad)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.BACKING_OFF);
    assertThat(bad.deploys).hasValue(1);

    clock.advance(Duration.ofMinutes(1));
    assertThat(fresh.deploy("www", bundle, List.of(bad)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.FAILED);
    TargetDeployment second = store.deployments("www").target("bad").orElseThrow();
    assertThat(second.attempts()).isEqualTo(2);
    assertThat(second.nextAttempt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));

    // Recovery resets the count.
    bad.failing = false;
    clock.advance(Duration.ofMinutes(2));
    assertThat(deployer(1).deploy("www", bundle, List.of(bad)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    TargetDeployment ok = store.deployments("www").target("bad").orElseThrow();
    assertThat(ok.attempts()).isZero();
    assertThat(ok.nextAttempt()).isNull();
  }

  @Test
  void aNewCertificateIsTriedAtOnceEvenDuringBackoff() throws Exception {
    FakeTarget bad = new FakeTarget("bad");
    bad.failing = true;
    Deployer d = deployer(1);
    d.deploy("www", bundle, List.of(bad));
    bad.failing = false;
    CertificateBundle next = CA.leaf(List.of("www.example.test"));
    assertThat(d.deploy("www", next, List.of(bad)).targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
  }

  @Test
  void failedVerificationIsAFailure() throws Exception {
    FakeTarget liar = new FakeTarget("liar") {
      @Override
      public VerifyResult verify(CertificateBundle b) {
        return VerifyResult.mismatch(b.sha256(), "00", "serves 00");
      }
    };
    DeployOutcome out = deployer(1).deploy("www", bundle, List.of(liar));
    assertThat(out.targets().get(0).status()).isEqualTo(DeployOutcome.Status.FAILED);
    assertThat(out.targets().get(0).record().lastError()).contains("verification failed");
    assertThat(events).extracting(LifecycleEvent::type).contains(LifecycleEvent.Type.VERIFY_FAILED);
  }

  @Test
  void backoffGrowsCapsAndRespectsRetryAfter() {
    Backoff b = Backoff.of("test", Duration.ofMinutes(1), Duration.ofMinutes(10), 0).withRandom(new SplittableRandom(1));
    assertThat(b.delay(1, true, Optional.empty())).isEqualTo(Duration.ofMinutes(1));
    assertThat(b.delay(3, true, Optional.empty())).isEqualTo(Duration.ofMinutes(4));
    assertThat(b.delay(40, true, Optional.empty())).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.delay(1, false, Optional.empty())).isEqualTo(Duration.ofMinutes(10));
    assertThat(b.delay(1, true, Optional.of(Duration.ofMinutes(7)))).isEqualTo(Duration.ofMinutes(7));
    Backoff jittered = Backoff.of("test", Duration.ofMinutes(1), Duration.ofMinutes(10), 0.5).withRandom(new SplittableRandom(7));
    for (int i = 0; i < 50; i++) {
      assertThat(jittered.delay(2, true, Optional.empty())).isBetween(Duration.ofMinutes(1), Duration.ofMinutes(2));
    }
  }
}
