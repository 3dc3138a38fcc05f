package io.certferry.core.simulation;

import io.certferry.core.CertificateBundle;

import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Everything the simulated CAs saw and did, in world time: every request (orders, order look-ups, ARI
 * fetches, refused and unreachable attempts), every order and certificate, every mass revocation. The
 * year's measures and the rate-limit checks are read from here, never from the engine's own account.
 * Thread-safe.
 */
final class Ledger {
  /** What a request to a CA was. */
  enum Kind { NEW_ORDER, REFUSED, UNREACHABLE, ORDER_FETCH, ARI_FETCH }

  record Request(Instant at, String ca, Kind kind, String lineage) {}

  /** How an order ended: a certificate, a failed validation, or nothing yet (abandoned when never finished). */
  enum OrderState { PENDING, INVALID, VALID }

  /** An order a CA accepted. */
  static final class Order {
    final URI url;
    final String ca;
    final String lineage;
    final List<String> names;
    final Instant placedAt;
    final KeyPair key;
    final Optional<String> replaces;
    volatile OrderState state = OrderState.PENDING;
    volatile Cert cert;

    Order(URI url, String ca, String lineage, List<String> names, Instant placedAt, KeyPair key,
          Optional<String> replaces) {
      this.url = url;
      this.ca = ca;
      this.lineage = lineage;
      this.names = List.copyOf(names);
      this.placedAt = placedAt;
      this.key = key;
      this.replaces = replaces;
    }
  }

  /** A certificate a CA issued, with the renewal window it suggests unless a revocation moves it. */
  record Cert(String sha256, String ariId, String ca, String lineage, List<String> names, Instant notBefore,
              Instant notAfter, Period window, CertificateBundle bundle, Order order) {}

  /** A CA's mass revocation: announced over ARI, carried out {@code revoked}. */
  record Revocation(String ca, Instant announced, Instant revoked, URI explanation) {}

  private final List<Request> requests = new ArrayList<>();
  private final List<Order> orders = new ArrayList<>();
  private final Map<String, Cert> bySha = new HashMap<>();
  private final Map<String, Cert> byAriId = new HashMap<>();
  private final List<Cert> certs = new ArrayList<>();
  private final List<Revocation> revocations = new ArrayList<>();
  private final Map<String, List<Instant>> failedValidations = new HashMap<>();
  private final List<String> violations = new ArrayList<>();
  private final List<Trigger> triggers = new ArrayList<>();

  private record Trigger(String lineage, int nth, Consumer<Cert> action) {}

  synchronized void request(Instant at, String ca, Kind kind, String lineage) {
    requests.add(new Request(at, ca, kind, lineage));
  }

  synchronized void order(Order o) {
    orders.add(o);
    request(o.placedAt, o.ca, Kind.NEW_ORDER, o.lineage);
  }

  /** A certificate issued for an order; runs the triggers waiting for it. */
  void issued(Cert c) {
    List<Consumer<Cert>> run = new ArrayList<>();
    synchronized (this) {
      certs.add(c);
      bySha.put(c.sha256(), c);
      byAriId.put(c.ariId(), c);
      long nth = certs.stream().filter(x -> x.lineage().equals(c.lineage())).count();
      triggers.stream().filter(t -> t.lineage.equals(c.lineage()) && t.nth == nth).forEach(t -> run.add(t.action));
    }
    run.forEach(a -> a.accept(c));
  }

  /**
   * Runs {@code action} when the {@code nth} certificate (1 the first) of {@code lineage} is issued: faults scripted
   * around a renewal.
   */
  synchronized void onIssued(String lineage, int nth, Consumer<Cert> action) {
    triggers.add(new Trigger(lineage, nth, action));
  }

  synchronized void failedValidation(String ca, List<String> names, Instant at) {
    names.forEach(n -> failedValidations.computeIfAbsent(ca + " " + n, k -> new ArrayList<>()).add(at));
  }

  synchronized void massRevocation(String ca, Instant announced, Duration grace, URI explanation) {
    revocations.add(new Revocation(ca, announced, announced.plus(grace), explanation));
  }

  /** Something the CA would have refused that the engine must never send (a wrong {@code replaces}). */
  synchronized void violation(String what) { violations.add(what); }

  /** The revocation that hits {@code c}: the first of its CA announced while it was valid. */
  synchronized Optional<Revocation> revocation(Cert c) {
    return revocations.stream().filter(r -> r.ca().equals(c.ca()) && r.announced().isAfter(c.notBefore())
        && r.announced().isBefore(c.notAfter())).findFirst();
  }

  /** From when serving {@code c} harms: its expiry or its revocation, whichever comes first. */
  Instant badFrom(Cert c) {
    Instant revoked = revocation(c).map(Revocation::revoked).orElse(Instant.MAX);
    return revoked.isBefore(c.notAfter()) ? revoked : c.notAfter();
  }

  synchronized Optional<Cert> bySha(String sha) { return Optional.ofNullable(bySha.get(sha)); }

  synchronized Optional<Cert> byAriId(String id) { return Optional.ofNullable(byAriId.get(id)); }

  synchronized Optional<Order> order(URI url) { return orders.stream().filter(o -> o.url.equals(url)).findFirst(); }

  synchronized List<Request> requests() { return List.copyOf(requests); }

  synchronized List<Order> orders() { return List.copyOf(orders); }

  synchronized List<Cert> certs() { return List.copyOf(certs); }

  synchronized List<Revocation> revocations() { return List.copyOf(revocations); }

  synchronized Map<String, List<Instant>> failedValidations() {
    Map<String, List<Instant>> copy = new HashMap<>();
    failedValidations.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  synchronized List<String> violations() { return List.copyOf(violations); }
}
