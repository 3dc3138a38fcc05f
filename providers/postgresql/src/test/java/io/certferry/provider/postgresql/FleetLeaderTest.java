package io.certferry.provider.postgresql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Leadership;
import io.certferry.core.store.LockedElsewhereException;
import io.certferry.core.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fleet's leader lease on a real PostgreSQL: one leader per term, a standby takes over only after the lease
 * lapsed, a leader paused past its lease comes back as a standby or in a new term, never in its old one; and a
 * lineage another agent holds is refused at once by tryLock, naming the holder and when its lease lapses.
 */
@SuppressWarnings("try") // locks are held for the scope of their try, not used inside it
class FleetLeaderTest {
  @RegisterExtension
  static final TestDatabase pg = new TestDatabase();

  private PostgresStore agent(String owner, MutableClock clock) {
    PostgresStore s = pg.builder().owner(owner).clock(clock).sleeper(clock::advance)
        .leaseRenewer(new ManualRenewer()).leaseTime(Duration.ofSeconds(30)).build();
    pg.closeAfter(s);
    return s;
  }

  @Test
  void oneAgentLeadsPerTermAndAStandbyTakesOverOnlyOnceTheLeaseLapsed() {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("web-1", clockA);
    PostgresStore b = agent("web-2", clockB);

    Leadership first = a.campaign();
    assertThat(first.mine()).isTrue();
    assertThat(first.term()).isEqualTo(1);
    assertThat(first.until()).isEqualTo(clockA.instant().plusSeconds(30));
    Leadership standby = b.campaign();
    assertThat(standby.mine()).isFalse();
    assertThat(standby.leader()).isEqualTo("web-1");
    assertThat(standby.term()).isEqualTo(1);

    // The leader renews: same term, a later expiry.
    clockA.advance(Duration.ofSeconds(10));
    clockB.advance(Duration.ofSeconds(10));
    Leadership renewed = a.campaign();
    assertThat(renewed.mine()).isTrue();
    assertThat(renewed.term()).isEqualTo(1);
    assertThat(renewed.until()).isEqualTo(clockA.instant().plusSeconds(30));

    // The leader dies: no more renewals. Just before the lease lapses the standby still stands by.
    clockB.advance(Duration.ofSeconds(29));
    assertThat(b.campaign().mine()).isFalse();
    clockB.advance(Duration.ofSeconds(1));
    Leadership takeover = b.campaign();
    assertThat(takeover.mine()).isTrue();
    assertThat(takeover.term()).isEqualTo(2);
    assertThat(takeover.heldAt(clockB.instant())).isTrue();
  }

  @Test
  void aLeaderPausedPastItsLeaseNeverLeadsInItsOldTerm() {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("web-1", clockA);
    PostgresStore b = agent("web-2", clockB);
    Leadership mine = a.campaign();

    // A is stopped (SIGSTOP) for 45 s: by its own clock its lease has lapsed, so it must not work on.
    clockA.advance(Duration.ofSeconds(45));
    assertThat(mine.heldAt(clockA.instant())).isFalse();
    // Nobody took over meanwhile: A takes the lease again, as a new term (another agent may have led in between).
    Leadership again = a.campaign();
    assertThat(again.mine()).isTrue();
    assertThat(again.term()).isEqualTo(2);

    // Now it is paused again and B takes over; when A resumes it stands by.
    clockB.advance(Duration.ofSeconds(80));
    assertThat(b.campaign()).satisfies(l -> {
      assertThat(l.mine()).isTrue();
      assertThat(l.term()).isEqualTo(3);
    });
    clockA.advance(Duration.ofSeconds(40));
    assertThat(a.campaign()).satisfies(l -> {
      assertThat(l.mine()).isFalse();
      assertThat(l.leader()).isEqualTo("web-2");
    });
  }

  @Test
  void agentsCampaigningTogetherElectExactlyOne() throws Exception {
    List<CompletableFuture<Leadership>> all = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      PostgresStore s = agent("web-" + i, MutableClock.at("2026-05-01T10:00:00Z"));
      all.add(CompletableFuture.supplyAsync(s::campaign));
    }
    List<Leadership> results = new ArrayList<>();
    for (CompletableFuture<Leadership> f : all) {
      results.add(f.get(30, TimeUnit.SECONDS));
    }
    assertThat(results).filteredOn(Leadership::mine).hasSize(1);
    assertThat(results).allSatisfy(l -> assertThat(l.term()).isEqualTo(1));
  }

  @Test
  void resigningLetsAStandbyTakeOverWithoutWaitingForTheLease() {
    MutableClock clock = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("web-1", clock);
    PostgresStore b = agent("web-2", clock);
    a.campaign();
    a.resign();
    Leadership l = b.campaign();
    assertThat(l.mine()).isTrue();
    assertThat(l.term()).isEqualTo(2);
    b.resign();
    assertThat(a.campaign().term()).isEqualTo(3);
  }

  @Test
  void tryLockRefusesALineageAnotherAgentHoldsNamingItAndWhenItsLeaseLapses() {
    MutableClock clockA = MutableClock.at("2026-05-01T10:00:00Z");
    MutableClock clockB = MutableClock.at("2026-05-01T10:00:00Z");
    PostgresStore a = agent("web-1", clockA);
    PostgresStore b = agent("web-2", clockB);
    try (CertificateStore.Lock held = a.lock("shop")) {
      Instant before = clockB.instant();
      assertThatThrownBy(() -> b.tryLock("shop")).isInstanceOfSatisfying(LockedElsewhereException.class, e -> {
        assertThat(e.holder()).isEqualTo("agent web-1");
        assertThat(e.until()).contains(clockA.instant().plusSeconds(30));
        assertThat(e.getMessage()).contains("lineage 'shop' is locked by agent web-1 (fencing token 1").doesNotContain("waited");
      });
      assertThat(clockB.instant()).as("tryLock does not wait").isEqualTo(before);
      // Once the holder's lease lapsed (it died: no renewals), tryLock takes it over at once.
      clockB.advance(Duration.ofSeconds(30));
      try (CertificateStore.Lock taken = b.tryLock("shop")) {
        assertThat(b.heldFencingToken("shop")).contains(2L);
      }
    }
  }
}
