package io.certferry.core.simulation;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.renew.AriException;
import io.certferry.core.renew.RenewalInfo;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.net.URI;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An ACME CA in the same process, on world time: it issues real X.509 certificates (a {@link TestPki}
 * hierarchy, so every leaf has the Authority Key Identifier an ARI id needs) for the profiles of
 * {@link Profile}, answers ARI with Let's Encrypt's windows and a 6-hour Retry-After, keeps orders as an
 * ACME server does (a process that crashed resumes its order; an order expires 7 days after it was
 * placed), and follows a script of faults: outages, a rate limit on the account, failing validations and
 * a mass revocation. Every request goes into the {@link Ledger}.
 */
final class SimulatedCa implements Issuer {
  /** The Retry-After of every ARI answer. */
  static final Duration ARI_RETRY_AFTER = Duration.ofHours(6);
  /** How long an order can be looked up and finished (Let's Encrypt: 7 days). */
  static final Duration ORDER_LIFETIME = Duration.ofDays(7);
  /** How long after announcing a mass revocation the CA revokes (the Baseline Requirements' shortest). */
  static final Duration REVOCATION_GRACE = Duration.ofHours(24);
  /**
   * Subscriber keys, used in turn: a fresh P-256 key for each of a year's orders was a fifth of the CA's cost,
   * and which key a certificate has proves nothing here (every certificate still differs).
   */
  /** A CA's hierarchy by name and validity, made once for all runs (only its certificates differ). */
  private static final Map<String, TestPki.Ca> HIERARCHIES = new ConcurrentHashMap<>();
  private static final List<KeyPair> KEYS = List.of(KeyType.EC_P256.generate(), KeyType.EC_P256.generate(),
      KeyType.EC_P256.generate(), KeyType.EC_P256.generate());

  private final String name;
  private final URI directory;
  private final Clock world;
  private final Ledger ledger;
  private final TestPki.Ca intermediate;
  private final AtomicInteger orderNumbers = new AtomicInteger();
  private final List<Period> down = new CopyOnWriteArrayList<>();
  private final List<Period> rateLimited = new CopyOnWriteArrayList<>();
  private final List<Period> validationFails = new CopyOnWriteArrayList<>();
  private final List<Armed> atFirstOrderAfter = new CopyOnWriteArrayList<>();

  SimulatedCa(String name, Clock world, Ledger ledger, Period validity) {
    this.name = name;
    this.directory = URI.create("https://" + name + ".ca.test/directory");
    this.world = world;
    this.ledger = ledger;
    this.intermediate = HIERARCHIES.computeIfAbsent(name + " " + validity, k -> TestPki.root(name + " Root X1")
        .intermediate(name + " Issuing CA R1", KeyType.EC_P256, validity.from(), validity.until()));
  }

  /** The CA cannot be reached during {@code p}: orders and ARI fetches fail. */
  void down(Period p) { down.add(p); }

  /** New orders of the account are refused during {@code p}, with a Retry-After of its end. */
  void rateLimit(Period p) { rateLimited.add(p); }

  /** New orders are refused for {@code length} from the first one asked for at or after {@code from}: the renewal's. */
  void rateLimitFromOrderAfter(Instant from, Duration length) {
    atFirstOrderAfter.add(new Armed(from, at -> rateLimit(Period.of(at, length))));
  }

  /** Orders placed during {@code p} fail their challenges. */
  void failValidations(Period p) { validationFails.add(p); }

  /** Orders fail their challenges for {@code length} from the first one asked for at or after {@code from}. */
  void failValidationsFromOrderAfter(Instant from, Duration length) {
    atFirstOrderAfter.add(new Armed(from, at -> failValidations(Period.of(at, length))));
  }

  /** A fault that starts with the first order asked for at or after an instant. */
  private record Armed(Instant from, Consumer<Instant> start) {}

  /** At {@code at} every valid certificate of this CA gets a renewal window from then; it is revoked 24 h later. */
  void massRevocation(Instant at) {
    URI explanation = URI.create("https://" + name + ".ca.test/incidents/" + at.getEpochSecond());
    ledger.massRevocation(name, at, REVOCATION_GRACE, explanation);
  }

  String name() { return name; }

  @Override
  public String source() { return "acme"; }

  @Override
  public String id() { return directory.toString(); }

  @Override
  public IssuedCertificate issue(IssueRequest r) throws IssueException {
    Instant now = world.instant();
    if (in(down, now)) {
      ledger.request(now, name, Ledger.Kind.UNREACHABLE, r.lineage());
      throw new IssueException(Kind.CA_UNREACHABLE, "cannot reach " + directory
          + ": connect timed out (simulated outage)");
    }
    for (Armed a : atFirstOrderAfter) {
      if (!now.isBefore(a.from()) && atFirstOrderAfter.remove(a)) {
        a.start().accept(now);
      }
    }
    Optional<Ledger.Order> resumed = resume(r, now);
    if (resumed.isPresent() && resumed.get().state == Ledger.OrderState.VALID) {
      return issued(resumed.get().cert);
    }
    Ledger.Order order = resumed.isPresent() ? resumed.get() : place(r, now);
    if (in(validationFails, now)) {
      order.state = Ledger.OrderState.INVALID;
      ledger.failedValidation(name, order.names, now);
      throw new IssueException(Kind.VALIDATION_FAILED, "order " + order.url + " is invalid: the CA could not"
          + " validate " + order.names.get(0) + " (simulated: the challenge answer was not found)");
    }
    return issued(finalize(order, Profile.byId(r.profile().orElseThrow()), now));
  }

  /** The order a dead process left, if it is this CA's, for these names and not expired; a look-up is a request. */
  private Optional<Ledger.Order> resume(IssueRequest r, Instant now) {
    if (r.resume().isEmpty() || !r.resume().get().directory().equals(directory)) {
      return Optional.empty();
    }
    PendingOrder p = r.resume().get();
    ledger.request(now, name, Ledger.Kind.ORDER_FETCH, r.lineage());
    return ledger.order(p.orderUrl()).filter(o -> o.state != Ledger.OrderState.INVALID)
        .filter(o -> now.isBefore(o.placedAt.plus(ORDER_LIFETIME))).filter(o -> o.names.equals(r.domains()));
  }

  private Ledger.Order place(IssueRequest r, Instant now) throws IssueException {
    Optional<Period> limit = rateLimited.stream().filter(p -> p.contains(now)).findFirst();
    if (limit.isPresent()) {
      ledger.request(now, name, Ledger.Kind.REFUSED, r.lineage());
      throw new IssueException(Kind.RATE_LIMITED, directory + " refused a new order: too many new orders for this"
          + " account (simulated rate limit), retry after " + limit.get().until(), limit.get().until(), null);
    }
    String profile = r.profile().orElse("");
    if (List.of(Profile.values()).stream().noneMatch(p -> p.id().equals(profile))) {
      throw new IssueException(Kind.CA_REJECTED, directory + " offers no profile '" + profile + "'");
    }
    r.replaces().ifPresent(id -> checkReplaces(id, r.lineage()));
    KeyPair key = r.reuseKey().orElseGet(() -> r.keyType() == KeyType.EC_P256
        ? KEYS.get(orderNumbers.get() % KEYS.size()) : r.keyType().generate());
    URI url = URI.create("https://" + name + ".ca.test/order/" + orderNumbers.incrementAndGet());
    Ledger.Order order = new Ledger.Order(url, name, r.lineage(), r.domains(), now, key, r.replaces());
    ledger.order(order);
    r.placed().accept(new PendingOrder(directory, "default", url, key, now, r.domains()));
    return order;
  }

  /** {@code replaces} must name a certificate of this CA that no finished order replaced yet (RFC 9773 section 5). */
  private void checkReplaces(String ariId, String lineage) {
    Optional<Ledger.Cert> old = ledger.byAriId(ariId);
    if (old.isEmpty() || !old.get().ca().equals(name)) {
      ledger.violation(lineage + ": an order to " + name + " replaces " + ariId + ", which " + name + " did not issue");
    } else if (ledger.orders().stream().anyMatch(o -> o.state == Ledger.OrderState.VALID
        && o.replaces.equals(Optional.of(ariId)))) {
      ledger.violation(lineage + ": a second order to " + name + " replaces " + ariId + ", already replaced");
    }
  }

  private Ledger.Cert finalize(Ledger.Order order, Profile profile, Instant now) {
    CertificateBundle bundle = intermediate.leaf(order.names, order.key, now, now.plus(profile.lifetime()));
    String ariId = AriCertificateId.of(bundle.leaf()).orElseThrow();
    Ledger.Cert cert = new Ledger.Cert(bundle.sha256(), ariId, name, order.lineage, order.names, bundle.notBefore(),
        bundle.notAfter(), Profile.window(bundle.notBefore(), bundle.notAfter()), bundle, order);
    order.cert = cert;
    order.state = Ledger.OrderState.VALID;
    ledger.issued(cert);
    return cert;
  }

  private static IssuedCertificate issued(Ledger.Cert cert) {
    return new IssuedCertificate(cert.bundle(), Map.of("order", cert.order().url.toString()));
  }

  @Override
  public Optional<RenewalInfoSource> renewalInfo() { return Optional.of(this::renewalInfo); }

  private RenewalInfo renewalInfo(String certId) throws AriException {
    Instant now = world.instant();
    ledger.request(now, name, Ledger.Kind.ARI_FETCH, ledger.byAriId(certId).map(Ledger.Cert::lineage).orElse("?"));
    if (in(down, now)) {
      throw new AriException("cannot reach " + directory + ": connect timed out (simulated outage)");
    }
    Ledger.Cert cert = ledger.byAriId(certId).filter(c -> c.ca().equals(name))
        .orElseThrow(() -> new AriException(directory + " knows no certificate " + certId + " (404)"));
    Optional<Ledger.Revocation> revocation = ledger.revocation(cert).filter(rv -> !now.isBefore(rv.announced()));
    if (revocation.isPresent()) {
      return new RenewalInfo(revocation.get().announced(), revocation.get().revoked(),
          Optional.of(revocation.get().explanation()), ARI_RETRY_AFTER);
    }
    return new RenewalInfo(cert.window().from(), cert.window().until(), Optional.empty(), ARI_RETRY_AFTER);
  }

  private static boolean in(List<Period> periods, Instant t) { return periods.stream().anyMatch(p -> p.contains(t)); }
}
