package io.certferry.core.issue.acme;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.store.PendingOrder;

import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;

/**
 * One order from placement to certificate: place it (or resume the one the last process left), answer
 * every pending authorization through the solvers, finalize with the key, download. The order is
 * reported to the request's journal the moment the CA accepts it, with the key it will be finalized
 * with, so a crash at any later step resumes it.
 */
final class AcmeOrders {
  private final URI directory;
  private final String accountName;
  private final List<ChallengeSolver> solvers;
  private final Poller poller;
  private final Clock clock;
  private final Consumer<String> progress;

  AcmeOrders(URI directory, String accountName, List<ChallengeSolver> solvers, Poller poller, Clock clock,
             Consumer<String> progress) {
    this.directory = directory;
    this.accountName = accountName;
    this.solvers = List.copyOf(solvers);
    this.poller = poller;
    this.clock = clock;
    this.progress = progress;
  }

  /** An order answered to the end: the bundle and the order's URLs. */
  record Done(CertificateBundle bundle, Order order, Certificate certificate) {}

  Done run(Login login, IssueRequest request, boolean supportsAri) throws AcmeException, IssueException,
      InterruptedException {
    Optional<Resumed> resumed = resume(login, request);
    Order order;
    KeyPair key;
    if (resumed.isPresent()) {
      order = resumed.get().order();
      key = resumed.get().key();
    } else {
      key = request.reuseKey().orElseGet(request.keyType()::generate);
      order = place(login, request, supportsAri);
      // Kept before anything else happens to the order: a crash from here on resumes it.
      request.placed().accept(new PendingOrder(directory, accountName, toUri(order.getLocation().toString()), key,
          clock.instant(), request.domains()));
      progress.accept("order " + order.getLocation() + " for " + String.join(", ", request.domains()));
    }
    if (order.getStatus() == Status.PENDING) {
      authorize(order);
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
    return new Done(bundle(cert, key), order, cert);
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
    OrderBuilder ob = login.newOrder().domains(request.domains());
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

  /** Answers every pending authorization of the order; removes every response, also on failure. */
  private void authorize(Order order) throws AcmeException, IssueException, InterruptedException {
    List<ChallengeSolver.Prepared> prepared = new ArrayList<>();
    try {
      List<Challenge> triggered = new ArrayList<>();
      List<Authorization> pending = new ArrayList<>();
      for (Authorization auth : order.getAuthorizations()) {
        if (auth.getStatus() == Status.VALID) {
          continue;
        }
        triggered.add(prepare(auth, prepared));
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
        String name = label(auth);
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
  }

  private Challenge prepare(Authorization auth, List<ChallengeSolver.Prepared> prepared)
      throws IssueException, InterruptedException {
    String domain = auth.getIdentifier().getDomain();
    boolean wildcard = auth.isWildcard();
    for (ChallengeSolver solver : solvers) {
      if (!solver.canSolve(domain, wildcard)) {
        continue;
      }
      if (solver.type().equals(Http01Challenge.TYPE)) {
        Optional<Http01Challenge> c = auth.findChallenge(Http01Challenge.class);
        if (c.isPresent()) {
          prepared.add(solver.prepare(PendingChallenge.http01(domain, c.get().getToken(), c.get().getAuthorization()),
              progress));
          progress.accept("http-01 response in place for " + domain);
          return c.get();
        }
      } else if (solver.type().equals(Dns01Challenge.TYPE)) {
        Optional<Dns01Challenge> c = auth.findChallenge(Dns01Challenge.class);
        if (c.isPresent()) {
          prepared.add(solver.prepare(PendingChallenge.dns01(domain, wildcard, c.get().getDigest()), progress));
          progress.accept("dns-01 TXT record created for " + domain);
          return c.get();
        }
      } else if (solver.type().equals(TlsAlpn01Challenge.TYPE)) {
        Optional<TlsAlpn01Challenge> c = auth.findChallenge(TlsAlpn01Challenge.class);
        if (c.isPresent()) {
          prepared.add(solver.prepare(PendingChallenge.tlsAlpn01(domain, c.get().getAcmeValidation()), progress));
          progress.accept("tls-alpn-01 validation certificate in place for " + domain);
          return c.get();
        }
      }
    }
    List<String> offered = auth.getChallenges().stream().map(Challenge::getType).toList();
    throw new IssueException(Kind.LOCAL, "no configured solver can validate " + label(auth) + " (CA offers " + offered
        + (wildcard ? "; wildcards need challenge: dns-01" : "") + ")");
  }

  private static IssueException invalid(Order order, String what) {
    String why = order.getError().map(AcmeProblems::describe).orElse("no reason given");
    boolean validation = order.getError().map(p -> AcmeProblems.kind(new org.shredzone.acme4j.exception
        .AcmeServerException(p)) == Kind.VALIDATION_FAILED).orElse(false);
    return new IssueException(validation ? Kind.VALIDATION_FAILED : Kind.CA_REJECTED,
        "order " + order.getLocation() + " " + what + ": " + why);
  }

  static CertificateBundle bundle(Certificate cert, KeyPair key) {
    List<X509Certificate> chain = new ArrayList<>(cert.getCertificateChain());
    X509Certificate leaf = chain.remove(0);
    chain.removeIf(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
    return CertificateBundle.of(leaf, chain, key.getPrivate());
  }

  private static String label(Authorization auth) {
    return (auth.isWildcard() ? "*." : "") + auth.getIdentifier().getDomain();
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
