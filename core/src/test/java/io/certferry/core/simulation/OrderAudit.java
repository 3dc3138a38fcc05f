package io.certferry.core.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Why each order was placed, judged from the CAs' side: the first of a lineage; a retry of one that failed or
 * was abandoned (a crash before the order was kept); a renewal of a certificate whose suggested window had
 * opened (or whose revocation was announced). Anything else is a duplicate: a certificate ordered while the
 * one in hand was not due. Certificates issued and never stored are wasted.
 */
final class OrderAudit {
  /** What the orders were. */
  record Findings(int orders, int retries, List<String> duplicates, List<String> wasted) {}

  private OrderAudit() {}

  /**
   * @param tolerance how early a renewal may come because the agent's clock is ahead
   * @param stored the fingerprints of every version in the store after the run
   */
  static Findings audit(Ledger ledger, Duration tolerance, Set<String> stored) {
    List<Ledger.Order> orders = new ArrayList<>(ledger.orders());
    orders.sort(Comparator.comparing(o -> o.placedAt));
    int retries = 0;
    List<String> duplicates = new ArrayList<>();
    for (String lineage : orders.stream().map(o -> o.lineage).distinct().toList()) {
      Ledger.Order previous = null;
      for (Ledger.Order o : orders.stream().filter(x -> x.lineage.equals(lineage)).toList()) {
        if (previous != null && previous.state != Ledger.OrderState.VALID) {
          retries++;
        } else if (previous != null) {
          Instant due = dueFrom(ledger, previous.cert);
          if (o.placedAt.plus(tolerance).isBefore(due)) {
            duplicates.add(lineage + ": " + o.url + " placed " + o.placedAt + ", but " + previous.cert.sha256()
                + " was not due before " + due);
          }
        }
        previous = o;
      }
    }
    List<String> wasted = ledger.certs().stream().filter(c -> !stored.contains(c.sha256()))
        .map(c -> c.lineage() + ": " + c.sha256() + " issued " + c.notBefore() + " by " + c.ca() + " was never stored")
        .toList();
    return new Findings(orders.size(), retries, duplicates, wasted);
  }

  /** When renewing {@code c} became right: its window opened, or its revocation was announced. */
  static Instant dueFrom(Ledger ledger, Ledger.Cert c) {
    Instant window = c.window().from();
    return ledger.revocation(c).map(Ledger.Revocation::announced).filter(window::isAfter).orElse(window);
  }
}
