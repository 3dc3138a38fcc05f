package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.MutableClock;
import io.certferry.core.testing.ObservedStore;
import io.certferry.core.testing.TestPki;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The order journal after a death between storing a new version and clearing its order: the order is spent
 * (its certificate is the current version), so the next renewal must not resume it, which would hand the same
 * certificate back to be stored again as a "renewal". Found by the simulated year (agent restarts, 6-day
 * certificates: the next renewal comes while the CA still answers for the order).
 */
class OrderJournalTest {
  static final TestPki.Ca CA = TestPki.root("Order Journal Test CA");
  final MutableClock clock = new MutableClock(Instant.parse("2027-03-01T00:00:00Z"));

  /** An ACME-like CA: an order is kept, and resuming a finished one returns its certificate. */
  final class JournalIssuer implements Issuer {
    final Map<URI, IssuedCertificate> finished = new ConcurrentHashMap<>();
    int orders;

    @Override
    public String source() { return "acme"; }

    @Override
    public IssuedCertificate issue(IssueRequest r) {
      if (r.resume().isPresent() && finished.containsKey(r.resume().get().orderUrl())) {
        return finished.get(r.resume().get().orderUrl());
      }
      URI url = URI.create("https://ca.test/order/" + ++orders);
      var key = r.keyType().generate();
      r.placed().accept(new PendingOrder(URI.create("https://ca.test/dir"), "default", url, key, clock.instant(),
          r.domains()));
      Instant now = clock.instant();
      IssuedCertificate c = new IssuedCertificate(CA.leaf(r.domains(), key, now, now.plus(Duration.ofDays(6))), Map.of());
      finished.put(url, c);
      return c;
    }
  }

  @Test
  void aSpentOrderLeftInTheJournalIsNotResumed() throws Exception {
    AtomicBoolean dieAtClear = new AtomicBoolean(true);
    ObservedStore store = new ObservedStore(new MemoryStore(), (method, write) -> {
      if (method.equals("clearPendingOrder") && dieAtClear.getAndSet(false)) {
        throw new IllegalStateException("the process died here (test)");
      }
    });
    JournalIssuer ca = new JournalIssuer();
    ManagedCertificate www = ManagedCertificate.of("www", List.of("www.example.test"), "acme").withIssuer(ca);
    try (CertManager m = CertManager.builder().store(store).clock(clock).certificate(www).build()) {
      m.reconcile();
      assertThat(store.versions("www")).hasSize(1);
      assertThat(store.pendingOrder("www")).as("the journal the death left").isPresent();

      clock.advance(Duration.ofDays(3).plusHours(1)); // past half of the 6-day lifetime
      m.reconcile();

      assertThat(store.versions("www")).extracting(StoredVersion::sha256).doesNotHaveDuplicates().hasSize(2);
      assertThat(ca.orders).as("orders placed").isEqualTo(2);
      assertThat(store.pendingOrder("www")).isEmpty();
    }
  }
}
