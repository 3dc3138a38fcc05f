package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.CountingStore;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pass over a store others use too: a pass with nothing due reads no lineage, a lineage another process or
 * agent holds is skipped rather than waited for, and a refused work permit (a fleet agent that no longer leads)
 * stops work at the next certificate.
 */
class ReconcileSharedStoreTest {
  static final TestPki.Ca CA = TestPki.root("Reconcile Test CA");
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T10:00:00Z"));
  final List<LifecycleEvent> alerts = new CopyOnWriteArrayList<>();
  final List<CertManager> managers = new ArrayList<>();

  @TempDir
  Path tmp;

  /** 90-day certificates from the test CA at the fake clock's time. */
  final Issuer issuer = new Issuer() {
    @Override
    public String source() { return "local"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) {
      Instant now = clock.instant();
      return new IssuedCertificate(CA.leaf(r.domains(), r.keyType(), now, now.plus(Duration.ofDays(90))), Map.of());
    }
  };

  @AfterEach
  void close() { managers.forEach(CertManager::close); }

  CertManager manager(CertificateStore store, List<String> names, AtomicReference<Optional<String>> permit) {
    CertManagerBuilder b = CertManager.builder().store(store).clock(clock).issuer("local", issuer)
        .notifier(alerts::add).workPermit(permit::get);
    names.forEach(n -> b.certificate(ManagedCertificate.of(n, List.of(n + ".example.test"), "local")));
    CertManager m = b.build();
    managers.add(m);
    return m;
  }

  static List<String> names(int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add("site-" + i);
    }
    return out;
  }

  @Test
  void aPassWithNothingDueAsksTheDueQueueOnceAndReadsNoLineage() throws Exception {
    CountingStore store = new CountingStore(new MemoryStore());
    CertManager m = manager(store, names(20), new AtomicReference<>(Optional.empty()));
    assertThat(m.reconcile().allGood()).isTrue();

    store.reset();
    clock.advance(Duration.ofHours(1));
    ReconcileReport idle = m.reconcile();

    assertThat(store.calls()).containsExactly(Map.entry("due", 1));
    assertThat(idle.certificates()).hasSize(20).allSatisfy(c -> {
      assertThat(c.state()).isEqualTo("valid");
      assertThat(c.daysLeft()).contains(89L); // as of this pass, not the last one's
    });
    assertThat(idle.handled()).hasSize(20);
  }

  @Test
  void aLineageHeldElsewhereIsSkippedAndReportedNotWaitedForThenTakenUpWhenFree() throws Exception {
    FileStore files = FileStore.builder().root(tmp).lockTimeout(Duration.ofSeconds(2)).build();
    CertManager m = manager(files, List.of("www", "blog"), new AtomicReference<>(Optional.empty()));
    m.reconcile();
    clock.advance(Duration.ofDays(61)); // both due for renewal

    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = FileStore.open(tmp).lock("www")) {
        held.countDown();
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    ReconcileReport r = m.reconcile();

    assertThat(r.heldElsewhere()).containsOnlyKeys("www");
    assertThat(r.heldElsewhere().get("www")).contains("another thread of this process");
    assertThat(r.handled()).containsExactly("blog");
    assertThat(files.versions("blog")).hasSize(2);
    assertThat(files.versions("www")).hasSize(1);
    CertificateStatus www = r.certificates().stream().filter(c -> c.name().equals("www")).findFirst().orElseThrow();
    assertThat(www.error()).as("held elsewhere is no failure").isEmpty();
    assertThat(alerts).noneMatch(a -> a.type() == LifecycleEvent.Type.RENEWAL_FAILED);
    assertThat(r.nextWakeUp()).isBefore(clock.instant().plus(Duration.ofMinutes(2)));

    release.countDown();
    other.get(10, TimeUnit.SECONDS);
    clock.set(r.nextWakeUp());
    ReconcileReport after = m.reconcile();
    assertThat(after.heldElsewhere()).isEmpty();
    assertThat(files.versions("www")).hasSize(2);
  }

  @Test
  void aRefusedWorkPermitStopsWorkAndLookingAtEverythingAgainResumesIt() throws Exception {
    CountingStore store = new CountingStore(new MemoryStore());
    AtomicReference<Optional<String>> permit = new AtomicReference<>(Optional.empty());
    CertManager m = manager(store, names(5), permit);
    m.reconcile();
    clock.advance(Duration.ofDays(61));

    permit.set(Optional.of("agent web-2 leads the fleet"));
    store.reset();
    ReconcileReport refused = m.reconcile();
    assertThat(refused.heldElsewhere()).hasSize(5).allSatisfy((n, why) -> assertThat(why).isEqualTo("agent web-2 leads the fleet"));
    assertThat(refused.handled()).isEmpty();
    assertThat(store.calls()).doesNotContainKeys("addVersion", "saveState", "tryLock");

    permit.set(Optional.empty());
    m.lookAtEverythingNext();
    store.reset();
    ReconcileReport resumed = m.reconcile();
    assertThat(store.calls()).doesNotContainKey("due").containsEntry("addVersion", 5).containsEntry("tryLock", 5);
    assertThat(resumed.handled()).hasSize(5);
    assertThat(resumed.certificates()).allSatisfy(c -> assertThat(c.renewedNow()).isTrue());
  }
}
