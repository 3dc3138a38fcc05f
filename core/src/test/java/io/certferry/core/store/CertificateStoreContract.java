package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every {@link CertificateStore} promises, run against each store by a subclass: {@code FileStoreTest}
 * for the files, the PostgreSQL store's contract test for the database. A subclass gives fresh, empty
 * storage to each test and opens any number of store instances over it ({@link #openStore}); a second
 * instance stands for another process or another agent.
 */
public abstract class CertificateStoreContract {
  protected static final Instant STORED_AT = Instant.parse("2026-01-02T03:04:05Z");
  protected static TestPki.Ca ca;

  @BeforeAll
  static void pki() {
    ca = TestPki.root("USERTrust RSA Certification Authority").intermediate("Sectigo RSA Domain Validation Secure Server CA");
  }

  /**
   * A new store instance over this test's storage (fresh and empty at the start of each test; every call
   * sees what earlier instances wrote).
   *
   * @param lockTimeout how long {@link CertificateStore#lock} waits for another holder
   */
  protected abstract CertificateStore openStore(Clock clock, Duration lockTimeout);

  protected CertificateStore store() {
    return openStore(Clock.fixed(STORED_AT, ZoneOffset.UTC), Duration.ofSeconds(10));
  }

  /** A renewal state with every part set, next due at 2026-03-01. The one place that builds a full LineageState. */
  protected static LineageState sampleState() {
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    return LineageState.empty().withNoOrderBefore(t)
        .withFailure(new LineageState.Failure("validation-failed", 2, t, t, "validation failed"))
        .withPlan(new LineageState.Plan("ab", t, "lifetime", "a third of the 90-day lifetime left"))
        .withAri(new LineageState.Ari("id.1", t, t.plusSeconds(60), t, t, null, null))
        .withNextDue(t).withAlerts(Map.of("alert", "7"));
  }

  @Test
  void versionRoundTrips() {
    CertificateStore store = store();
    CertificateBundle b = ca.leaf(List.of("example.org", "www.example.org"));
    StoredVersion v = store.addVersion("example-org", b, "imported", Map.of("orderUrl", "https://ca/o/1"));

    assertThat(v.number()).isEqualTo(1);
    assertThat(v.storedAt()).isEqualTo(STORED_AT);
    assertThat(v.details()).containsEntry("orderUrl", "https://ca/o/1");
    CertificateStore fresh = store();
    assertThat(fresh.names()).containsExactly("example-org");
    StoredVersion cur = fresh.current("example-org").orElseThrow();
    assertThat(cur).isEqualTo(v);
    assertThat(cur.sha256()).isEqualTo(b.sha256());
    assertThat(cur.notAfter()).isEqualTo(b.notAfter());
    assertThat(cur.domains()).containsExactly("example.org", "www.example.org");
    CertificateBundle loaded = fresh.load("example-org", 1);
    assertThat(loaded.leaf()).isEqualTo(b.leaf());
    assertThat(loaded.chain()).isEqualTo(b.chain());
    assertThat(loaded.privateKey().getEncoded()).isEqualTo(b.privateKey().getEncoded());
    assertThat(fresh.currentBundle("example-org").orElseThrow().sha256()).isEqualTo(b.sha256());
  }

  @Test
  void newVersionsNeverRewriteOldOnes() {
    CertificateStore store = store();
    CertificateBundle one = ca.leaf(List.of("a.example"));
    CertificateBundle two = ca.leaf(List.of("a.example"));
    StoredVersion first = store.addVersion("a", one, "acme", Map.of());
    store.addVersion("a", two, "acme", Map.of());
    CertificateStore fresh = store();
    assertThat(fresh.versions("a")).extracting(StoredVersion::number).containsExactly(1, 2);
    assertThat(fresh.versions("a").get(0)).isEqualTo(first);
    assertThat(fresh.current("a").orElseThrow().sha256()).isEqualTo(two.sha256());
    assertThat(fresh.load("a", 1).sha256()).isEqualTo(one.sha256());
    assertThat(fresh.load("a", 1).privateKey().getEncoded()).isEqualTo(one.privateKey().getEncoded());
  }

  @Test
  void leafIssuedByARootHasAnEmptyChain() {
    CertificateBundle b = TestPki.root("Internal Root").leaf(List.of("intranet.example"));
    assertThat(b.chain()).isEmpty();
    store().addVersion("intranet", b, "local", Map.of());
    CertificateBundle back = store().load("intranet", 1);
    assertThat(back.chain()).isEmpty();
    assertThat(back.sha256()).isEqualTo(b.sha256());
  }

  @Test
  void specStateDeploymentsPendingKeyRoundTrip() {
    CertificateStore store = store();
    LineageSpec spec = new LineageSpec("shop", List.of("shop.example"), "imported", "ec-p256", Map.of("k", "v"), List.of("lb"));
    store.saveSpec(spec);
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    Deployments d = Deployments.empty().with(new TargetDeployment("lb", "ab", t, TargetDeployment.Result.IN_SYNC, 0, null, null, null));
    store.saveDeployments("shop", d);
    store.saveState("shop", sampleState());
    KeyPair kp = KeyType.RSA_2048.generate();
    store.savePendingKey("shop", kp.getPrivate());

    CertificateStore fresh = store();
    assertThat(fresh.spec("shop")).contains(spec);
    assertThat(fresh.deployments("shop")).isEqualTo(d);
    assertThat(fresh.state("shop")).isEqualTo(sampleState());
    assertThat(fresh.pendingKey("shop").orElseThrow().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(fresh.current("shop")).isEmpty();
    assertThat(fresh.names()).containsExactly("shop");

    fresh.clearPendingKey("shop");
    assertThat(store().pendingKey("shop")).isEmpty();
  }

  @Test
  void aPendingKeyAloneMakesALineage() {
    store().savePendingKey("csr-only", KeyType.EC_P256.generate().getPrivate());
    assertThat(store().names()).containsExactly("csr-only");
  }

  @Test
  void documentsAreKeptPerLineageAndReplacedWhole() {
    CertificateStore store = store();
    LineageSpec one = new LineageSpec("one", List.of("one.example"), "acme", "ec-p256", null, List.of("lb"));
    store.saveSpec(one);
    store.saveSpec(new LineageSpec("two", List.of("two.example"), "local", "ec-p256", null, null));
    LineageSpec changed = new LineageSpec("one", List.of("one.example", "www.one.example"), "acme", "ec-p384", null, null);
    store.saveSpec(changed);
    Deployments d = Deployments.empty().with(new TargetDeployment("lb", "ff", STORED_AT, TargetDeployment.Result.FAILED, 3,
        STORED_AT.plusSeconds(60), "HTTP 503", Map.of("id", "7")));
    store.saveDeployments("one", d);
    store.saveState("one", sampleState());

    CertificateStore fresh = store();
    assertThat(fresh.spec("one")).contains(changed);
    assertThat(fresh.deployments("one")).isEqualTo(d);
    assertThat(fresh.deployments("two")).isEqualTo(Deployments.empty());
    assertThat(fresh.state("two")).isEqualTo(LineageState.empty());
    assertThat(fresh.names()).containsExactly("one", "two");
  }

  @Test
  void aSpecKeepsTheIssuerBlockItWasSetUpWith() {
    ObjectNode issuer = JsonNodeFactory.instance.objectNode().put("type", "acme").put("server", "https://acme.example/dir")
        .put("eabHmac", "${env:EAB_HMAC}");
    issuer.putArray("challenges").add("dns-01");
    LineageSpec spec = new LineageSpec("shop", List.of("shop.example"), "acme", "ec-p256", Map.of("renewBefore", "30d"),
        List.of("lb"), issuer);
    store().saveSpec(spec);
    LineageSpec back = store().spec("shop").orElseThrow();
    assertThat(back).isEqualTo(spec);
    assertThat(back.issuer().get("eabHmac").asText()).isEqualTo("${env:EAB_HMAC}");
  }

  @Test
  void emptyStoreReadsAsEmpty() {
    CertificateStore store = store();
    assertThat(store.names()).isEmpty();
    assertThat(store.summaries()).isEmpty();
    assertThat(store.due(STORED_AT)).isEmpty();
    assertThat(store.current("x")).isEmpty();
    assertThat(store.versions("x")).isEmpty();
    assertThat(store.spec("x")).isEmpty();
    assertThat(store.pendingKey("x")).isEmpty();
    assertThat(store.pendingOrder("x")).isEmpty();
    assertThat(store.deployments("x")).isEqualTo(Deployments.empty());
    assertThat(store.state("x")).isEqualTo(LineageState.empty());
    assertThat(store.localCa()).isEmpty();
    assertThatThrownBy(() -> store.load("x", 1)).isInstanceOf(StoreException.class).hasMessageContaining("'x' has no version 1");
  }

  @Test
  void pendingOrderRoundTripsWithItsKeyAndClears() {
    CertificateStore store = store();
    KeyPair kp = KeyType.EC_P256.generate();
    PendingOrder order = new PendingOrder(URI.create("https://127.0.0.1:14000/dir"), "default",
        URI.create("https://127.0.0.1:14000/order/9"), kp, STORED_AT, List.of("b.example", "a.example"));
    store.savePendingOrder("shop", order);

    PendingOrder back = store().pendingOrder("shop").orElseThrow();
    assertThat(back.orderUrl()).isEqualTo(order.orderUrl());
    assertThat(back.directory()).isEqualTo(order.directory());
    assertThat(back.account()).isEqualTo("default");
    assertThat(back.placedAt()).isEqualTo(STORED_AT);
    assertThat(back.domains()).containsExactly("b.example", "a.example");
    assertThat(back.key().getPrivate().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(back.key().getPublic()).isEqualTo(kp.getPublic());
    assertThat(back.toString()).doesNotContain("PRIVATE");

    store.clearPendingOrder("shop");
    assertThat(store().pendingOrder("shop")).isEmpty();
  }

  @Test
  void accountsAndLocalCaKeepTheirKeys() {
    CertificateStore store = store();
    KeyPair kp = KeyType.EC_P256.generate();
    URI dir = URI.create("https://127.0.0.1:14000/dir");
    store.saveAccount(new StoredAccount(dir, "default", kp, null));
    assertThat(store().account(dir, "default").orElseThrow().accountUrl()).isNull();
    store.saveAccount(new StoredAccount(dir, "default", kp, URI.create("https://127.0.0.1:14000/acct/1")));
    StoredAccount back = store().account(dir, "default").orElseThrow();
    assertThat(back.keyPair().getPrivate().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    assertThat(back.keyPair().getPublic()).isEqualTo(kp.getPublic());
    assertThat(back.accountUrl()).hasToString("https://127.0.0.1:14000/acct/1");
    assertThat(store.account(URI.create("https://acme-v02.api.letsencrypt.org/directory"), "default")).isEmpty();
    assertThat(store.account(dir, "other")).isEmpty();

    TestPki.Ca root = TestPki.root("Certferry Local CA");
    store.saveLocalCa(new LocalCaMaterial(root.certificate(), root.privateKey()));
    LocalCaMaterial lc = store().localCa().orElseThrow();
    assertThat(lc.certificate()).isEqualTo(root.certificate());
    assertThat(lc.privateKey().getEncoded()).isEqualTo(root.privateKey().getEncoded());
  }

  @Test
  void dueListsTheLineagesWhoseNextDueHasComeOrIsUnset() {
    CertificateStore store = store();
    Instant next = sampleState().nextDue();
    store.saveSpec(new LineageSpec("b", List.of("b.example"), "acme", "ec-p256", null, null));
    store.saveSpec(new LineageSpec("a", List.of("a.example"), "acme", "ec-p256", null, null));
    store.saveSpec(new LineageSpec("c", List.of("c.example"), "acme", "ec-p256", null, null));
    store.saveState("a", sampleState());
    store.saveState("c", LineageState.empty().withNextDue(next.plusSeconds(1)));
    store.saveState("orphan", LineageState.empty()); // state alone does not make a lineage
    assertThat(store().due(next.minusSeconds(1))).containsExactly("b");
    assertThat(store().due(next)).containsExactly("a", "b");
    assertThat(store().due(next.plusSeconds(1))).containsExactly("a", "b", "c");
    store.saveState("c", LineageState.empty()); // unknown again: due at once
    assertThat(store().due(next.minusSeconds(1))).containsExactly("b", "c");
  }

  @Test
  void aNewVersionMakesItsLineageDueWhoeverStoredIt() {
    CertificateStore store = store();
    CertificateBundle b = ca.leaf(List.of("www.example"));
    StoredVersion v1 = store.addVersion("www", b, "acme", Map.of());
    Instant next = Instant.parse("2026-06-01T00:00:00Z");
    LineageState planned = LineageState.empty().withPlan(new LineageState.Plan(v1.sha256(), next, "lifetime", "planned"))
        .withNextDue(next);
    store.saveState("www", planned);
    assertThat(store().due(next.minusSeconds(60))).isEmpty();
    // Another door or agent adds a version behind the engine's back: the lineage is due until its state is saved.
    StoredVersion v2 = store().addVersion("www", ca.leaf(List.of("www.example")), "imported", Map.of());
    assertThat(store().due(next.minusSeconds(60))).containsExactly("www");
    store.saveState("www", planned.withPlan(new LineageState.Plan(v2.sha256(), next, "lifetime", "planned")));
    assertThat(store().due(next.minusSeconds(60))).isEmpty();
  }

  @Test
  void tryLockTakesAFreeLockAtOnceAndRefusesAHeldOneWithoutWaiting() throws Exception {
    CertificateStore a = openStore(Clock.systemUTC(), Duration.ofSeconds(5));
    CertificateStore b = openStore(Clock.systemUTC(), Duration.ofSeconds(30));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = a.tryLock("shop")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> b.tryLock("shop")).isInstanceOfSatisfying(LockedElsewhereException.class, e -> {
      assertThat(e.lineage()).isEqualTo("shop");
      assertThat(e.getMessage()).contains("lineage 'shop' is locked by").doesNotContain("waited");
    });
    // b's lock timeout is 30 s: tryLock did not wait for it.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    try (CertificateStore.Lock other = b.tryLock("blog")) {
      assertThat(other).isNotNull();
    }
    release.countDown();
    holder.get(10, TimeUnit.SECONDS);
    try (CertificateStore.Lock l = b.tryLock("shop"); CertificateStore.Lock again = b.tryLock("shop")) {
      b.saveState("shop", sampleState()); // re-entrant, and writes inside it use it
    }
    assertThat(b.state("shop")).isEqualTo(sampleState());
  }

  @Test
  void summariesMatchTheLineageReads() {
    CertificateStore store = store();
    CertificateBundle b = ca.leaf(List.of("www.example"));
    store.addVersion("www", b, "acme", Map.of());
    store.saveDeployments("www", Deployments.empty().with(new TargetDeployment("lb", b.sha256(), STORED_AT,
        TargetDeployment.Result.IN_SYNC, 0, null, null, null)));
    LineageSpec pending = new LineageSpec("csr", List.of("csr.example"), "imported", "ec-p256", null, null);
    store.saveSpec(pending);
    store.savePendingKey("csr", KeyType.EC_P256.generate().getPrivate());

    CertificateStore fresh = store();
    assertThat(fresh.summaries()).extracting(LineageSummary::name).containsExactlyElementsOf(fresh.names());
    for (LineageSummary s : fresh.summaries()) {
      assertThat(s.spec()).as(s.name()).isEqualTo(fresh.spec(s.name()));
      assertThat(s.current()).as(s.name()).isEqualTo(fresh.current(s.name()));
      assertThat(s.deployments()).as(s.name()).isEqualTo(fresh.deployments(s.name()));
    }
    assertThat(fresh.summaries().get(1).current().orElseThrow().sha256()).isEqualTo(b.sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "..", "../etc", "a/b", "Upper", "-dash", ".hidden", "a b", "x\u0000y",
      "a2345678901234567890123456789012345678901234567890123456789012345"})
  void badNamesAreRefused(String bad) {
    CertificateStore store = store();
    assertThatThrownBy(() -> store.saveSpec(new LineageSpec(bad, List.of("x.example"), "imported", "ec-p256", null, null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a valid lineage name").hasMessageContaining("a-z, 0-9");
    assertThatThrownBy(() -> store.current(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.lock(bad)).isInstanceOf(IllegalArgumentException.class);
    assertThat(store.names()).isEmpty();
  }

  @Test
  void aLockAloneIsNoLineage() {
    try (CertificateStore.Lock l = store().lock("nothing-yet")) {
      assertThat(l).isNotNull();
    }
    assertThat(store().names()).isEmpty();
  }

  @Test
  void aHeldLockMakesAnotherInstanceWaitThenTimeOutNamingTheLineage() throws Exception {
    CertificateStore a = openStore(Clock.systemUTC(), Duration.ofSeconds(5));
    CertificateStore b = openStore(Clock.systemUTC(), Duration.ofMillis(200));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = a.lock("shop")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> b.lock("shop")).isInstanceOf(LockedElsewhereException.class)
        .hasMessageContaining("lineage 'shop' is locked").hasMessageContaining("waited 200 ms");
    // Writes take the lock too.
    assertThatThrownBy(() -> b.saveState("shop", LineageState.empty())).isInstanceOf(StoreException.class)
        .hasMessageContaining("'shop'");
    // Another lineage is not blocked.
    try (CertificateStore.Lock other = b.lock("blog")) {
      assertThat(other).isNotNull();
    }
    release.countDown();
    holder.get(10, TimeUnit.SECONDS);
    try (CertificateStore.Lock l = b.lock("shop")) {
      b.saveState("shop", sampleState()); // re-entrant inside the caller's lock
    }
    assertThat(b.state("shop")).isEqualTo(sampleState());
  }

  @Test
  void aWaitingThreadGetsTheLockWhenReleasedWithinTheTimeout() throws Exception {
    CertificateStore s = openStore(Clock.systemUTC(), Duration.ofSeconds(20));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = s.lock("shop")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
      try (CertificateStore.Lock l = s.lock("shop")) {
        return "got it";
      }
    });
    assertThat(waiter).isNotDone();
    release.countDown();
    assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo("got it");
    holder.get(10, TimeUnit.SECONDS);
  }

  @Test
  void theAccountLockExcludesAnotherInstance() throws Exception {
    URI dir = URI.create("https://127.0.0.1:14000/dir");
    CertificateStore a = openStore(Clock.systemUTC(), Duration.ofSeconds(5));
    CertificateStore b = openStore(Clock.systemUTC(), Duration.ofMillis(200));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = a.lockAccount(dir, "default")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> b.lockAccount(dir, "default")).isInstanceOf(StoreException.class)
        .hasMessageContaining("ACME account 'default' is locked");
    try (CertificateStore.Lock other = b.lockAccount(dir, "other")) {
      assertThat(other).isNotNull();
    }
    release.countDown();
    holder.get(10, TimeUnit.SECONDS);
    try (CertificateStore.Lock l = b.lockAccount(dir, "default")) {
      assertThat(l).isNotNull();
    }
  }
}
