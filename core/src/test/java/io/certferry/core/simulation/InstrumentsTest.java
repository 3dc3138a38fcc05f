package io.certferry.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.renew.AriException;
import io.certferry.core.renew.RenewalInfo;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.x509.KeyType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The simulation's instruments measure what they claim: the CA's rules, harm, Let's Encrypt's limits, the audit. */
class InstrumentsTest {
  final World world = new World(Profile.CLASSIC);
  final SimulatedCa ca = world.primary;
  final AtomicReference<PendingOrder> journal = new AtomicReference<>();

  IssueRequest request(Optional<PendingOrder> resume) {
    return new IssueRequest("www", List.of("www.example.test"), KeyType.EC_P256, Optional.empty(), Optional.empty(),
        Optional.of("classic"), resume, journal::set);
  }

  @Test
  void ariWindowsFollowLetsEncryptsRule() {
    Instant t = World.START;
    assertThat(Profile.window(t, t.plus(Duration.ofDays(90))))
        .isEqualTo(new Period(t.plus(Duration.ofDays(60)).minus(Duration.ofHours(21).plusMinutes(36)),
            t.plus(Duration.ofDays(60)).plus(Duration.ofHours(21).plusMinutes(36))));
    assertThat(Profile.window(t, t.plus(Duration.ofHours(160))))
        .isEqualTo(new Period(t.plus(Duration.ofMinutes(78 * 60 + 24)), t.plus(Duration.ofMinutes(81 * 60 + 36))));
    assertThat(Profile.CLASSIC.fewestOrders(World.YEAR)).isEqualTo(5);
    assertThat(Profile.SHORTLIVED.fewestOrders(World.YEAR)).isEqualTo(55);
  }

  @Test
  void theCaIssuesRealCertificatesAnswersAriAndResumesAFinishedOrder() throws Exception {
    IssuedCertificate c = ca.issue(request(Optional.empty()));
    CertificateBundle b = c.bundle();
    assertThat(b.notAfter()).isEqualTo(World.START.plus(Duration.ofDays(90)));
    assertThat(journal.get()).as("the order is reported as soon as it is placed").isNotNull();
    String ari = AriCertificateId.of(b.leaf()).orElseThrow();
    RenewalInfo info = ca.renewalInfo().orElseThrow().fetch(ari);
    assertThat(new Period(info.windowStart(), info.windowEnd())).isEqualTo(Profile.window(b.notBefore(), b.notAfter()));
    assertThat(info.retryAfter()).isEqualTo(Duration.ofHours(6));

    IssuedCertificate again = ca.issue(request(Optional.of(journal.get())));
    assertThat(again.bundle().sha256()).isEqualTo(b.sha256());
    assertThat(world.ledger.requests()).extracting(Ledger.Request::kind)
        .containsExactly(Ledger.Kind.NEW_ORDER, Ledger.Kind.ARI_FETCH, Ledger.Kind.ORDER_FETCH);
  }

  @Test
  void outagesRateLimitsAndRevocationsFollowTheScript() throws Exception {
    IssuedCertificate c = ca.issue(request(Optional.empty()));
    String ari = AriCertificateId.of(c.bundle().leaf()).orElseThrow();
    ca.down(Period.of(World.START.plus(Duration.ofHours(1)), Duration.ofHours(1)));
    ca.rateLimit(Period.of(World.START.plus(Duration.ofHours(3)), Duration.ofHours(12)));
    Instant announced = World.START.plus(Duration.ofDays(10));
    ca.massRevocation(announced);

    world.clock.set(World.START.plus(Duration.ofMinutes(90)));
    assertThatThrownBy(() -> ca.issue(request(Optional.empty()))).isInstanceOf(IssueException.class)
        .extracting(e -> ((IssueException) e).kind()).isEqualTo(IssueException.Kind.CA_UNREACHABLE);
    assertThatThrownBy(() -> ca.renewalInfo().orElseThrow().fetch(ari)).isInstanceOf(AriException.class);

    world.clock.set(World.START.plus(Duration.ofHours(4)));
    assertThatThrownBy(() -> ca.issue(request(Optional.empty()))).isInstanceOf(IssueException.class)
        .satisfies(e -> assertThat(((IssueException) e).retryAfter()).contains(World.START.plus(Duration.ofHours(15))));

    world.clock.set(announced.plus(Duration.ofHours(1)));
    RenewalInfo moved = ca.renewalInfo().orElseThrow().fetch(ari);
    assertThat(moved.windowStart()).isEqualTo(announced);
    assertThat(moved.windowEnd()).isEqualTo(announced.plus(Duration.ofHours(24)));
    assertThat(moved.explanationUrl()).isPresent();
    Ledger.Cert cert = world.ledger.bySha(c.bundle().sha256()).orElseThrow();
    assertThat(world.ledger.badFrom(cert)).isEqualTo(announced.plus(Duration.ofHours(24)));
  }

  @Test
  void aTargetServingAnExpiredOrRevokedCertificateIsHarmFromThatMinute() throws Exception {
    SimulatedTarget lb = world.target("lb");
    CertificateBundle first = ca.issue(request(Optional.empty())).bundle();
    lb.deploy(first);
    lb.lieDuring(Period.forever(World.START.plus(Duration.ofDays(1))));
    world.clock.set(World.START.plus(Duration.ofDays(60)));
    lb.deploy(ca.issue(request(Optional.empty())).bundle()); // reports success, changes nothing
    assertThat(lb.deployedFingerprint()).contains(first.sha256());

    Instant end = World.START.plus(Duration.ofDays(91));
    List<Period> harm = lb.harmful(world.ledger, end);
    assertThat(Period.minutes(harm)).isEqualTo(24 * 60);
    assertThat(Period.first(harm)).isEqualTo(first.notAfter());
  }

  @Test
  void aFailingTargetFailsEveryCall() {
    SimulatedTarget cdn = world.target("cdn");
    cdn.failDuring(Period.of(World.START, Duration.ofHours(1)));
    assertThatThrownBy(cdn::deployedFingerprint).hasMessageContaining("503");
  }

  @Test
  void periodsAndSlidingWindowsCountOnce() {
    Instant t = World.START;
    List<Period> overlapping = List.of(Period.of(t, Duration.ofMinutes(10)), Period.of(t.plusSeconds(300),
        Duration.ofMinutes(10)), Period.of(t.plus(Duration.ofHours(1)), Duration.ofSeconds(1)));
    assertThat(Period.minutes(overlapping)).isEqualTo(16);
    List<Instant> at = List.of(t, t.plusSeconds(10), t.plusSeconds(3599), t.plusSeconds(3600), t.plusSeconds(3601));
    assertThat(LetsEncryptLimits.busiest(at, Duration.ofHours(1))).isEqualTo(4);
  }

  @Test
  void anOrderBeforeTheCertificateInHandIsDueIsADuplicateAndOneAfterAFailureARetry() throws Exception {
    ca.issue(request(Optional.empty()));
    world.clock.set(World.START.plus(Duration.ofDays(10)));
    ca.failValidations(Period.of(world.clock.instant(), Duration.ofMinutes(1)));
    assertThatThrownBy(() -> ca.issue(request(Optional.empty()))).isInstanceOf(IssueException.class);
    world.clock.set(World.START.plus(Duration.ofDays(11)));
    ca.issue(request(Optional.empty()));

    OrderAudit.Findings f = OrderAudit.audit(world.ledger, Duration.ZERO, world.ledger.certs().stream()
        .map(Ledger.Cert::sha256).collect(Collectors.toSet()));
    assertThat(f.orders()).isEqualTo(3);
    assertThat(f.duplicates()).hasSize(1).allSatisfy(d -> assertThat(d).contains("was not due before"));
    assertThat(f.retries()).as("the third order retries the failed second one").isEqualTo(1);
    assertThat(world.ledger.failedValidations().values()).allSatisfy(v -> assertThat(v).hasSize(1));
  }

  @Test
  void aProcessDiesAtTheChosenWriteWithoutMakingItAndAnswersNothingAfter() {
    MemoryStore real = new MemoryStore();
    CrashingStore store = new CrashingStore(real, new CrashingStore.CrashPoint("saveState", 2));
    store.saveState("www", LineageState.empty().withNextDue(World.START));
    assertThatThrownBy(() -> store.saveState("www", LineageState.empty()))
        .isInstanceOf(CrashingStore.SimulatedCrash.class);
    assertThat(real.state("www").nextDue()).isEqualTo(World.START);
    assertThat(store.dead()).isTrue();
    assertThatThrownBy(() -> store.state("www")).isInstanceOf(CrashingStore.SimulatedCrash.class);
  }
}
