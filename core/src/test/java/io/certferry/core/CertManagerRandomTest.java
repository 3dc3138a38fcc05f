package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.renew.RenewalInfo;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.store.LineageState;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.TestPki;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A seeded generator makes the engine's random choices (ARI pick, backoff jitter) repeatable. */
class CertManagerRandomTest {
  static final TestPki.Ca CA = TestPki.root("Seeded Test CA");
  final MutableClock clock = new MutableClock(Instant.parse("2027-03-01T00:00:00Z"));

  /** 90-day certificates with a 30-day-wide ARI window, so the pick inside it is visibly random. */
  final class WideWindowIssuer implements Issuer {
    volatile boolean failing;

    @Override
    public String source() { return "local"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) throws IssueException {
      if (failing) {
        throw new IssueException(IssueException.Kind.CA_UNREACHABLE, "CA down (test)");
      }
      Instant now = clock.instant();
      return new IssuedCertificate(CA.leaf(r.domains(), r.keyType(), now, now.plus(Duration.ofDays(90))), Map.of());
    }

    @Override
    public Optional<RenewalInfoSource> renewalInfo() {
      Instant start = Instant.parse("2027-03-31T00:00:00Z");
      return Optional.of(id -> new RenewalInfo(start, start.plus(Duration.ofDays(30)), Optional.empty(),
          Duration.ofHours(6)));
    }
  }

  /** The renewal instant picked and the backoff of a failed renewal, for a manager seeded with {@code seed}. */
  private List<Instant> run(long seed) throws Exception {
    clock.set(Instant.parse("2027-03-01T00:00:00Z"));
    MemoryStore store = new MemoryStore();
    WideWindowIssuer issuer = new WideWindowIssuer();
    ManagedCertificate www = ManagedCertificate.of("www", List.of("www.example.test"), "local").withIssuer(issuer);
    try (CertManager m = CertManager.builder().store(store).clock(clock).certificate(www).random(new Random(seed))
        .build()) {
      m.reconcile();
      m.reconcile(); // the first ARI answer for the version picks the instant
      Instant renewAt = store.state("www").ari().renewAt();
      clock.set(renewAt);
      issuer.failing = true;
      m.reconcile();
      LineageState.Failure f = store.state("www").failure();
      return List.of(renewAt, f.nextAttempt());
    }
  }

  @Test
  void theSameSeedMakesTheSameChoices() throws Exception {
    List<Instant> a = run(42);
    List<Instant> b = run(42);
    List<Instant> c = run(7);
    assertThat(b).isEqualTo(a);
    assertThat(c.get(0)).isNotEqualTo(a.get(0));
  }
}
