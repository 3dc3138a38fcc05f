package io.certferry.core.simulation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Let's Encrypt's published rate limits (letsencrypt.org/docs/rate-limits), checked over sliding windows
 * against what the simulated CAs saw: 300 new orders per account per 3 hours, 5 certificates for the exact
 * same set of names per 7 days, 5 failed validations per name per account per hour. Each simulated CA is
 * one account.
 */
final class LetsEncryptLimits {
  static final int NEW_ORDERS = 300;
  static final Duration NEW_ORDERS_PER = Duration.ofHours(3);
  static final int DUPLICATE_CERTIFICATES = 5;
  static final Duration DUPLICATE_CERTIFICATES_PER = Duration.ofDays(7);
  static final int FAILED_VALIDATIONS = 5;
  static final Duration FAILED_VALIDATIONS_PER = Duration.ofHours(1);

  /** The busiest window of each limit over the year: how close the year came. */
  record Peaks(int newOrders, int sameNames, int failedValidations) {}

  private LetsEncryptLimits() {}

  static Peaks peaks(Ledger ledger) {
    return new Peaks(busiest(newOrders(ledger).values(), NEW_ORDERS_PER),
        busiest(sameNames(ledger).values(), DUPLICATE_CERTIFICATES_PER),
        busiest(ledger.failedValidations().values(), FAILED_VALIDATIONS_PER));
  }

  /** Every limit the year went over, one line each; empty when it kept to all of them. */
  static List<String> exceeded(Ledger ledger) {
    List<String> out = new ArrayList<>();
    newOrders(ledger).forEach((ca, at) -> check(out, "new orders for the account at " + ca, at, NEW_ORDERS,
        NEW_ORDERS_PER));
    sameNames(ledger).forEach((names, at) -> check(out, "certificates for the same names " + names, at,
        DUPLICATE_CERTIFICATES, DUPLICATE_CERTIFICATES_PER));
    ledger.failedValidations().forEach((name, at) -> check(out, "failed validations of " + name, at, FAILED_VALIDATIONS,
        FAILED_VALIDATIONS_PER));
    return out;
  }

  private static Map<String, List<Instant>> newOrders(Ledger ledger) {
    return ledger.requests().stream().filter(r -> r.kind() == Ledger.Kind.NEW_ORDER)
        .collect(Collectors.groupingBy(Ledger.Request::ca,
            Collectors.mapping(Ledger.Request::at, Collectors.toList())));
  }

  private static Map<String, List<Instant>> sameNames(Ledger ledger) {
    return ledger.certs().stream().collect(Collectors.groupingBy(c -> c.ca() + " " + new TreeSet<>(c.names()),
        Collectors.mapping(Ledger.Cert::notBefore, Collectors.toList())));
  }

  /** The most instants that fall in any window {@code [t, t + width)}. */
  static int busiest(List<Instant> instants, Duration width) {
    List<Instant> sorted = instants.stream().sorted().toList();
    int most = 0;
    int first = 0;
    for (int last = 0; last < sorted.size(); last++) {
      while (!sorted.get(first).plus(width).isAfter(sorted.get(last))) {
        first++;
      }
      most = Math.max(most, last - first + 1);
    }
    return most;
  }

  private static int busiest(Collection<List<Instant>> groups, Duration width) {
    return groups.stream().mapToInt(g -> busiest(g, width)).max().orElse(0);
  }

  private static void check(List<String> out, String what, List<Instant> at, int limit, Duration per) {
    int most = busiest(at, per);
    if (most > limit) {
      out.add(most + " " + what + " within " + per + " (limit " + limit + ")");
    }
  }
}
