package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoreException;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two agents (two store instances, each with its own clock and lease renewals) on one database. An agent
 * is "paused" by not running its renewals and not moving its clock, exactly what a GC pause, SIGSTOP or
 * partition looks like from the database; the other agent's clock moves as it waits.
 */
@SuppressWarnings("try") // locks are held for the scope of their try, not used inside it
class PostgresFencingTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();
  static TestPki.Ca ca;

  @BeforeAll
  static void start() throws IOException {
    ca = TestPki.root("Fencing Test Root").intermediate("Fencing Test CA");
  }

  /** An agent whose waits move its own clock instead of sleeping. */
  private PostgresStore agent(String owner, MutableClock clock, ManualRenewer renewer, Duration lockTimeout) {
    PostgresStore s = pg.builder().owner(owner).clock(clock).sleeper(clock::advance)
        .leaseRenewer(renewer).leaseTime(Duration.ofSeconds(30)).lockTimeout(lockTimeout).build();
    pg.closeAfter(s);
    return s;
  }

  @Test
  void theLateWritesOfAnAgentWhoseLeaseWasTakenOverAreRejectedAndNothingOfThemLands() throws Exception {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-05-01T10:00:00Z");
    ManualRenewer renewA = new ManualRenewer();
    PostgresStore a = agent("agent-a", clockA, renewA, Duration.ofSeconds(60));
    PostgresStore b = agent("agent-b", clockB, new ManualRenewer(), Duration.ofSeconds(60));
    CertificateBundle first = ca.leaf(List.of("shop.example"));
    CertificateBundle late = ca.leaf(List.of("shop.example"));
    CertificateBundle taken = ca.leaf(List.of("shop.example"));

    CertificateStore.Lock lockA = a.lock("shop");
    assertThat(a.heldFencingToken("shop")).contains(1L);
    a.addVersion("shop", first, "acme", Map.of());

    // A is paused: no renewals, its clock stands still. B waits (its clock moving) until A's lease lapses.
    try (CertificateStore.Lock ignored = b.lock("shop")) {
      assertThat(b.heldFencingToken("shop")).contains(2L);
      assertThat(clockB.instant()).isAfterOrEqualTo(clockA.instant().plusSeconds(30));

      // A resumes and goes on as if it still held the lineage: every write is refused.
      assertThatThrownBy(() -> a.addVersion("shop", late, "acme", Map.of()))
          .isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("lineage 'shop': refused to store a new version for agent agent-a")
          .hasMessageContaining("no longer holds its lease (fencing token 1)")
          .hasMessageContaining("now held by agent agent-b (fencing token 2")
          .hasMessageContaining("Nothing was written");
      Deployments lateRecord = Deployments.empty().with(new TargetDeployment("lb", late.sha256(), clockA.instant(),
          TargetDeployment.Result.IN_SYNC, 0, null, null, null));
      assertThatThrownBy(() -> a.saveDeployments("shop", lateRecord)).isInstanceOf(LeaseLostException.class);
      LineageState failed = LineageState.empty().withFailure(new LineageState.Failure("ca-unreachable", 3,
          clockA.instant(), clockA.instant().plusSeconds(300), "late"));
      assertThatThrownBy(() -> a.saveState("shop", failed)).isInstanceOf(LeaseLostException.class);
      assertThatThrownBy(() -> a.savePendingOrder("shop", new PendingOrder(URI.create("https://ca.example/dir"), "default",
          URI.create("https://ca.example/order/1"), KeyType.EC_P256.generate(), clockA.instant(),
          List.of("shop.example")))).isInstanceOf(LeaseLostException.class);
      assertThatThrownBy(() -> a.saveSpec(new LineageSpec("shop", List.of("evil.example"), "acme", "ec-p256", null, null)))
          .isInstanceOf(LeaseLostException.class);
      assertThat(((LeaseLostException) catchLost(() -> a.clearPendingKey("shop"))).fencingToken()).isEqualTo(1L);

      // B, the owner now, writes as usual: the next number, and its deployment record.
      StoredVersion v2 = b.addVersion("shop", taken, "acme", Map.of());
      assertThat(v2.number()).isEqualTo(2);
      b.saveDeployments("shop", Deployments.empty().with(new TargetDeployment("lb", taken.sha256(), clockB.instant(),
          TargetDeployment.Result.IN_SYNC, 0, null, null, null)));

      // A's renewal finally runs: it sees the takeover and stops; A's close does not free B's lease.
      renewA.renewAll();
      assertThat(renewA.scheduled()).isZero();
      lockA.close();
      assertThat(leaseOwner("shop")).isEqualTo("agent-b");
    }

    PostgresStore fresh = agent("reader", MutableClock.at("2026-05-01T11:00:00Z"), new ManualRenewer(), Duration.ofSeconds(1));
    assertThat(fresh.versions("shop")).extracting(StoredVersion::number).containsExactly(1, 2);
    assertThat(fresh.versions("shop")).extracting(StoredVersion::sha256).containsExactly(first.sha256(), taken.sha256());
    assertThat(fresh.deployments("shop").target("lb").orElseThrow().sha256()).isEqualTo(taken.sha256());
    assertThat(fresh.state("shop")).isEqualTo(LineageState.empty());
    assertThat(fresh.pendingOrder("shop")).isEmpty();
    assertThat(fresh.spec("shop")).isEmpty();
    assertThat(count("SELECT count(*) FROM certferry_version")).isEqualTo(2);
  }

  @Test
  void renewalsKeepTheLeaseWhileHeldAndAStoppedRenewerLetsItLapse() throws Exception {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-05-01T10:00:00Z");
    ManualRenewer renewA = new ManualRenewer();
    PostgresStore a = agent("agent-a", clockA, renewA, Duration.ofSeconds(5));
    PostgresStore b = agent("agent-b", clockB, new ManualRenewer(), Duration.ofSeconds(5));

    try (CertificateStore.Lock ignored = a.lock("shop")) {
      assertThat(renewA.scheduled()).isEqualTo(1);
      for (int i = 0; i < 3; i++) { // 60 s of renewals every 20 s (a third of 30 s)
        clockA.advance(Duration.ofSeconds(20));
        clockB.advance(Duration.ofSeconds(20));
        renewA.renewAll();
      }
      assertThatThrownBy(() -> b.lock("shop")).isInstanceOf(StoreException.class)
          .hasMessageContaining("lineage 'shop' is locked by agent agent-a (fencing token 1")
          .hasMessageContaining("waited 5000 ms");
      a.saveState("shop", LineageState.empty()); // A's writes still land

      clockB.advance(Duration.ofSeconds(30)); // A's renewer stops; its lease lapses for B
      try (CertificateStore.Lock takeover = b.lock("shop")) {
        assertThat(b.heldFencingToken("shop")).contains(2L);
      }
    }
  }

  @Test
  void anAgentPausedPastItsLeaseIsRefusedByItsOwnClockEvenBeforeAnyoneTakesOver() throws Exception {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("agent-a", clockA, new ManualRenewer(), Duration.ofSeconds(5));
    try (CertificateStore.Lock ignored = a.lock("shop")) {
      clockA.advance(Duration.ofSeconds(31)); // SIGSTOP, then SIGCONT: the clock jumped, no renewal ran
      assertThatThrownBy(() -> a.saveState("shop", LineageState.empty())).isInstanceOf(LeaseLostException.class)
          .hasMessageContaining("its lease (fencing token 1) lapsed at 2026-05-01T10:00:30Z by this agent's clock");
    }
    assertThat(count("SELECT count(*) FROM certferry_lineage WHERE state IS NOT NULL")).isZero();
  }

  @Test
  void theFencingTokenOnlyGrowsAcrossAgentsAndAWriteWithoutALockTakesAndReturnsALeaseOfItsOwn() throws Exception {
    MutableClock clock = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("agent-a", clock, new ManualRenewer(), Duration.ofSeconds(5));
    PostgresStore b = agent("agent-b", clock, new ManualRenewer(), Duration.ofSeconds(5));
    List<Long> tokens = new ArrayList<>();
    for (PostgresStore s : List.of(a, b, a, b)) {
      try (CertificateStore.Lock ignored = s.lock("shop")) {
        tokens.add(s.heldFencingToken("shop").orElseThrow());
      }
    }
    assertThat(tokens).containsExactly(1L, 2L, 3L, 4L);
    a.saveSpec(new LineageSpec("shop", List.of("shop.example"), "acme", "ec-p256", null, null));
    assertThat(count("SELECT fencing_token FROM certferry_lineage WHERE name = 'shop'")).isEqualTo(5);
    assertThat(leaseOwner("shop")).isNull();
    assertThat(a.heldFencingToken("shop")).isEmpty();
  }

  @Test
  void agentsAddingVersionsAtOnceNeverStoreOneNumberTwice() throws Exception {
    List<PostgresStore> agents = new ArrayList<>();
    for (String name : List.of("agent-a", "agent-b", "agent-c")) {
      PostgresStore s = pg.builder().owner(name).lockTimeout(Duration.ofSeconds(60)).build();
      pg.closeAfter(s);
      agents.add(s);
    }
    CertificateBundle bundle = ca.leaf(List.of("busy.example"));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<StoredVersion>> added = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        PostgresStore s = agents.get(i % agents.size());
        added.add(pool.submit(() -> s.addVersion("busy", bundle, "local", Map.of())));
      }
      List<Integer> numbers = new ArrayList<>();
      for (Future<StoredVersion> f : added) {
        numbers.add(f.get(120, TimeUnit.SECONDS).number());
      }
      assertThat(numbers).doesNotHaveDuplicates().hasSize(30);
    } finally {
      pool.shutdownNow();
    }
    assertThat(agents.get(0).versions("busy")).extracting(StoredVersion::number)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 30).boxed().toList());
  }

  @Test
  void theScheduledRenewerExtendsAHeldLeaseInTheBackground() throws Exception {
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    CountDownLatch renewed = new CountDownLatch(2);
    LeaseRenewer scheduled = LeaseRenewer.on(executor);
    LeaseRenewer counting = (period, renewal) -> scheduled.every(period, () -> {
      renewal.run();
      renewed.countDown();
    });
    try (PostgresStore s = pg.builder().owner("agent-a").leaseTime(Duration.ofSeconds(3))
        .leaseRenewer(counting).build()) {
      try (CertificateStore.Lock ignored = s.lock("shop")) {
        Instant first = leaseExpiry("shop");
        assertThat(renewed.await(30, TimeUnit.SECONDS)).as("two renewals, one a second").isTrue();
        assertThat(leaseExpiry("shop")).isAfter(first);
        assertThat(leaseOwner("shop")).isEqualTo("agent-a");
      }
      assertThat(leaseOwner("shop")).isNull();
    } finally {
      executor.shutdownNow();
    }
  }

  private Instant leaseExpiry(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.server().url(pg.database()), pg.server().user(), pg.server().password());
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT lease_expires FROM certferry_lineage WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  private static Throwable catchLost(Runnable r) {
    try {
      r.run();
    } catch (LeaseLostException e) {
      return e;
    }
    throw new AssertionError("expected a LeaseLostException");
  }

  private String leaseOwner(String name) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.server().url(pg.database()), pg.server().user(), pg.server().password());
         Statement st = c.createStatement();
         ResultSet rs = st.executeQuery("SELECT lease_owner FROM certferry_lineage WHERE name = '" + name + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private long count(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(pg.server().url(pg.database()), pg.server().user(), pg.server().password());
         Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
