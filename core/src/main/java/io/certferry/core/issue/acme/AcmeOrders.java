package io.certferry.core.issue.acme;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.AlreadyReplacedException;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.IpAddresses;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Identifier;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * One order from placement to certificate: place it (or resume the one the last process left), answer
 * every pending authorization with the challenge {@link ChallengeChoice} picks for it, finalize with the
 * key, download. The order is reported to the request's journal the moment the CA accepts it, with the
 * key it will be finalized with, so a crash at any later step resumes it. An order whose {@code replaces}
 * the CA refuses is never a dead end: {@code alreadyReplaced} adopts the CA's replacement or says what it
 * was ({@link AlreadyReplacedException}); any other refusal of it is retried once without it.
 */
final class AcmeOrders {
  private final URI directory;
  private final String accountName;
  private final ChallengeChoice choice;
  private final Poller poller;
  private final Clock clock;
  private final Consumer<String> progress;

  AcmeOrders(URI directory, String accountName, List<ChallengeSolver> solvers, Poller poller, Clock clock,
             Consumer<String> progress) {
    this.directory = directory;
    this.accountName = accountName;
    this.choice = new ChallengeChoice(solvers);
    this.poller = poller;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * An order answered to the end: the bundle, the order and its certificate, the challenge chosen for each
   * name with the reason, the ARI id the order replaced, and whether the certificate was adopted (the CA's replacement, made earlier for
   * this key) rather than ordered now.
   */
  record Done(CertificateBundle bundle, Order order, Certificate certificate, Map<String, String> challenges,
              Optional<String> replaced, boolean adopted) {}

  Done run(Login login, IssueRequest request, boolean supportsAri) throws AcmeException, IssueException,
      InterruptedException {
    Optional<Resumed> resumed = resume(login, request);
    Order order;
    KeyPair key;
    Optional<String> replaced = Optional.empty();
    if (resumed.isPresent()) {
      order = resumed.get().order();
      key = resumed.get().key();
      replaced = order.getJSON().get("replaces").optional().map(JSON.Value::asString);
    } else {
      key = request.reuseKey().orElseGet(request.keyType()::generate);
      try {
        order = place(login, request, supportsAri);
        replaced = supportsAri ? request.replaces() : Optional.empty();
      } catch (AcmeServerException e) {
        String type = AcmeProblems.type(e.getProblem());
        if (request.replaces().isEmpty() || !supportsAri || e instanceof AcmeRateLimitedException
            || type.equals("rateLimited")) {
          throw e; // a limit holds with or without replaces
        }
        if (type.equals("alreadyReplaced")) {
          return alreadyReplaced(login, request, e);
        }
        // A replaces the CA will not honour (an id from another account or CA, a CA that cannot find the
        // certificate) must never be a dead end: sent again on every attempt, the renewal would never happen.
        progress.accept("the CA refused the order naming " + request.replaces().get() + " in replaces ("
            + AcmeProblems.describe(e.getProblem()) + "); ordering once without replaces");
        order = place(login, request.withoutReplaces(), supportsAri);
      }
      // Kept before anything else happens to the order: a crash from here on resumes it.
      request.placed().accept(new PendingOrder(directory, accountName, toUri(order.getLocation().toString()), key,
          clock.instant(), request.domains()));
      progress.accept("order " + order.getLocation() + " for " + String.join(", ", request.domains())
          + request.profile().map(p -> " (profile " + p + ")").orElse(""));
      checkProfileEchoed(order, request);
    }
    Map<String, String> challenges = Map.of();
    if (order.getStatus() == Status.PENDING) {
      challenges = authorize(login, order);
    }
    if (order.getStatus() != Status.VALID && order.getStatus() != Status.PROCESSING) {
      Status ready = poller.await(Poller.of(order), Set.of(Status.READY, Status.VALID), "order", progress);
      if (ready == Status.INVALID) {
        throw invalid(order, "became invalid");
      }
      if (ready == Status.READY) {
        progress.accept("finalizing order with a " + (request.reuseKey().isPresent() ? "reused " : "new ")
            + request.keyType().id() + " key");
        order.execute(key);
      }
    }
    Status done = poller.await(Poller.of(order), Set.of(Status.VALID), "order", progress);
    if (done != Status.VALID) {
      throw invalid(order, "failed at finalization");
    }
    Certificate cert = order.getCertificate();
    return new Done(bundle(cert, key), order, cert, challenges, replaced, false);
  }

  /**
   * The CA already replaced the certificate this order was to replace. The replacement is adopted when it
   * was issued for the key this request reuses; otherwise the caller is told, with what the account's
   * orders show of the replacement, so it adopts a version it stores or orders once without replaces.
   */
  private Done alreadyReplaced(Login login, IssueRequest request, AcmeServerException e) throws IssueException {
    String certId = request.replaces().orElseThrow();
    Optional<Replacements.Found> found = Replacements.find(login, certId, progress);
    Optional<KeyPair> key = request.reuseKey();
    if (found.isPresent() && key.isPresent() && found.get().leaf().getPublicKey().equals(key.get().getPublic())) {
      CertificateBundle b = bundle(found.get().certificate(), key.get());
      progress.accept("the CA already replaced " + certId + " with serial " + b.serial() + " (order "
          + found.get().order().getLocation() + ") for this key; adopting it, no new order");
      return new Done(b, found.get().order(), found.get().certificate(), Map.of(), Optional.of(certId), true);
    }
    Optional<AlreadyReplacedException.Replacement> replacement = found.map(f -> new AlreadyReplacedException
        .Replacement(f.order().getLocation().toString(), f.leaf().getSerialNumber().toString(16),
        Fingerprints.sha256(f.leaf())));
    String by = replacement.map(r -> " by order " + r.orderUrl() + " (serial " + r.serial() + ")").orElse("");
    progress.accept("the CA says " + certId + " was already replaced" + by + "; adopting that certificate if this "
        + "store holds it, else ordering once without replaces");
    throw new AlreadyReplacedException(request.lineage() + ": the CA refused to replace " + certId
        + ", which it already replaced" + by + ": " + AcmeProblems.describe(e.getProblem()), certId, replacement, e);
  }

  /** Pebble gives an order without a profile a random one: an order that should name one must. */
  private void checkProfileEchoed(Order order, IssueRequest request) {
    if (request.profile().isEmpty()) {
      return;
    }
    Optional<String> echoed = order.getJSON().get("profile").optional().map(JSON.Value::asString);
    if (!echoed.equals(request.profile())) {
      progress.accept("the CA answered the order for profile " + request.profile().get() + " with "
          + echoed.map(p -> "profile " + p).orElse("no profile") + "; the certificate may follow another profile");
    }
  }

  private record Resumed(Order order, KeyPair key) {}

  /** The order the last process placed, if it is for this request and can still be finished. */
  private Optional<Resumed> resume(Login login, IssueRequest request) throws IssueException {
    if (request.resume().isEmpty()) {
      return Optional.empty();
    }
    PendingOrder p = request.resume().get();
    if (!p.directory().equals(directory) || !p.account().equals(accountName)
        || !lower(p.domains()).equals(lower(request.domains()))) {
      progress.accept("the order left by the last run (" + p.orderUrl() + ") is for other names or another CA; placing a new one");
      return Optional.empty();
    }
    try {
      Order order = login.bindOrder(p.orderUrl().toURL());
      Status status = order.getStatus(); // fetches it
      if (status == Status.INVALID || order.getExpires().map(e -> !e.isAfter(clock.instant())).orElse(false)) {
        progress.accept("the order left by the last run is " + (status == Status.INVALID ? "invalid" : "expired")
            + "; placing a new one");
        return Optional.empty();
      }
      progress.accept("resuming order " + p.orderUrl() + " (" + status.name().toLowerCase(Locale.ROOT)
          + ") left by the last run");
      return Optional.of(new Resumed(order, p.key()));
    } catch (AcmeLazyLoadingException | MalformedURLException e) {
      progress.accept("the order left by the last run cannot be read (" + e.getMessage() + "); placing a new one");
      return Optional.empty();
    }
  }

  private Order place(Login login, IssueRequest request, boolean supportsAri) throws AcmeException {
    OrderBuilder ob = login.newOrder().identifiers(identifiers(request.domains()));
    request.profile().ifPresent(ob::profile);
    if (request.replaces().isPresent()) {
      if (supportsAri) {
        ob.replaces(request.replaces().get());
      } else {
        progress.accept("the CA has no renewal information (ARI); ordering without 'replaces'");
      }
    }
    return ob.create();
  }

  /** The order's identifiers: {@code ip} for an address literal (RFC 8738), {@code dns} for the rest. */
  static List<Identifier> identifiers(List<String> names) {
    return names.stream().map(n -> IpAddresses.parse(n).map(Identifier::ip).orElseGet(() -> Identifier.dns(n)))
        .toList();
  }

  /**
   * Answers every pending authorization of the order; removes every response, also on failure. Returns
   * the challenge chosen for each name, with the reason (a name the CA had already validated says so).
   */
  private Map<String, String> authorize(Login login, Order order) throws AcmeException, IssueException,
      InterruptedException {
    Set<String> names = new HashSet<>(order.getIdentifiers().stream().map(Identifier::getValue).toList());
    Map<String, String> reasons = new LinkedHashMap<>();
    List<ChallengeSolver.Prepared> prepared = new ArrayList<>();
    try {
      List<Challenge> triggered = new ArrayList<>();
      List<Authorization> pending = new ArrayList<>();
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          reasons.put(ChallengeChoice.label(auth), "none (the CA holds a valid authorization)");
          continue;
        }
        ChallengeChoice.Chosen c = choice.choose(login, auth, names);
        String name = ChallengeChoice.label(auth);
        progress.accept("challenge for " + name + ": " + c.reason());
        reasons.put(name, c.reason());
        prepared.add(c.solver().prepare(c.pending(), progress));
        progress.accept(c.solver().type() + " response in place for " + name);
        triggered.add(c.challenge());
        pending.add(auth);
      }
      for (ChallengeSolver.Prepared p : prepared) {
        p.awaitReady(progress);
      }
      for (Challenge c : triggered) {
        if (c.getStatus() == Status.PENDING) {
          c.trigger();
        }
      }
      for (int i = 0; i < pending.size(); i++) {
        Authorization auth = pending.get(i);
        String name = ChallengeChoice.label(auth);
        Status s = poller.await(Poller.of(auth), Set.of(Status.VALID), "authorization for " + name, progress);
        if (s != Status.VALID) {
          Challenge c = triggered.get(i);
          c.fetch();
          throw new IssueException(Kind.VALIDATION_FAILED, c.getType() + " validation of " + name + " failed: "
              + c.getError().map(AcmeProblems::describe).orElse("status " + s.name().toLowerCase(Locale.ROOT)));
        }
        progress.accept("validated " + name);
      }
    } finally {
      for (ChallengeSolver.Prepared p : prepared) {
        p.cleanup(progress);
      }
    }
    return reasons;
  }

  private static IssueException invalid(Order order, String what) {
    String why = order.getError().map(AcmeProblems::describe).orElse("no reason given");
    boolean validation = order.getError().map(p -> AcmeProblems.kind(new AcmeServerException(p))
        == Kind.VALIDATION_FAILED).orElse(false);
    return new IssueException(validation ? Kind.VALIDATION_FAILED : Kind.CA_REJECTED,
        "order " + order.getLocation() + " " + what + ": " + why);
  }

  static CertificateBundle bundle(Certificate cert, KeyPair key) {
    List<X509Certificate> chain = new ArrayList<>(cert.getCertificateChain());
    X509Certificate leaf = chain.remove(0);
    chain.removeIf(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
    return CertificateBundle.of(leaf, chain, key.getPrivate());
  }

  private static List<String> lower(List<String> names) {
    return names.stream().map(n -> n.toLowerCase(Locale.ROOT)).sorted().toList();
  }

  private static URI toUri(String url) {
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the CA gave an order URL that is not a URI: " + url, e);
    }
  }
}
