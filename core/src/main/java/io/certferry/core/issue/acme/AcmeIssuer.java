package io.certferry.core.issue.acme;

import io.certferry.core.Sleeper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
import java.net.URI;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.OrderBuilder;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Obtains certificates from an ACME CA (RFC 8555) through acme4j: account from the store (created
 * on first use), one order per request, challenges answered by the configured
 * {@link ChallengeSolver}s, polling per {@link PollSchedule}, rate limits and failed validations
 * recorded in the lineage's {@link LineageState} so no order is placed before the CA allows it.
 *
 * <p>The caller holds the lineage's store lock around {@link #issue} and stores the result.
 *
 * <pre>{@code
 * AcmeIssuer issuer = AcmeIssuer.builder()
 *     .directory(AcmeDirectories.resolve("letsencrypt"))
 *     .agreeToTermsOfService(true)
 *     .solver(new Http01StandaloneSolver(new InetSocketAddress(80)))
 *     .store(store)
 *     .build();
 * IssuedCertificate cert = issuer.issue(IssueRequest.of("www", List.of("www.example.com"), KeyType.EC_P256));
 * }</pre>
 */
public final class AcmeIssuer implements Issuer, AutoCloseable {
  /** Keys of {@link IssuedCertificate#details()}. */
  public static final String CERTIFICATE_URL = "certificateUrl";
  public static final String ORDER_URL = "orderUrl";
  public static final String ACCOUNT_URL = "accountUrl";
  public static final String DIRECTORY = "directory";
  public static final String ACCOUNT = "account";

  private final AcmeAccounts accounts;
  private final URI directory;
  private final List<ChallengeSolver> solvers;
  private final CertificateStore store;
  private final Consumer<String> progress;
  private final Poller poller;
  private final IssueBackoff backoff;

  private AcmeIssuer(Builder b) {
    this.directory = Objects.requireNonNull(b.directory, "directory");
    this.store = Objects.requireNonNull(b.store, "store");
    this.solvers = List.copyOf(b.solvers);
    this.progress = b.progress;
    this.poller = new Poller(b.pollSchedule, b.clock, b.sleeper);
    this.backoff = new IssueBackoff(b.clock, b.random);
    this.accounts = new AcmeAccounts(b.directory, b.accountName, b.email, b.agreeTos, b.eabKeyId, b.eabHmacKey,
        b.serverCa, b.store, b.progress);
  }

  public static Builder builder() { return new Builder(); }

  @Override
  public String source() { return "acme"; }

  /** Stops what the solvers keep running (the standalone http-01 server). */
  @Override
  public void close() {
    for (ChallengeSolver s : solvers) {
      if (s instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          progress.accept("could not stop the " + s.type() + " solver: " + e.getMessage());
        }
      }
    }
  }

  /** The directory this issuer orders from. */
  public URI directory() { return directory; }

  @Override
  public IssuedCertificate issue(IssueRequest request) throws IssueException, InterruptedException {
    LineageState state = store.state(request.lineage());
    Optional<String> refusal = backoff.refusal(request.lineage(), state);
    if (refusal.isPresent()) {
      throw new IssueException(IssueException.Kind.RATE_LIMITED, refusal.get(), later(state), null);
    }
    if (solvers.isEmpty()) {
      throw new IssueException(IssueException.Kind.LOCAL, "no challenge solver configured; choose --challenge http-01 or dns-01");
    }
    Login login = accounts.login();
    checkProfile(request.profile());
    boolean[] orderPlaced = {false};
    try {
      IssuedCertificate issued = order(login, request, orderPlaced);
      LineageState now = store.state(request.lineage());
      LineageState cleared = backoff.succeeded(now);
      if (!cleared.equals(now)) {
        store.saveState(request.lineage(), cleared); // skip a needless fsync'd write on the common path
      }
      return issued;
    } catch (AcmeRateLimitedException e) {
      String msg = "the CA rate-limited " + request.lineage() + ": " + describe(e.getProblem());
      LineageState next = backoff.rateLimited(store.state(request.lineage()), e.getRetryAfter(), msg);
      store.saveState(request.lineage(), next);
      throw new IssueException(IssueException.Kind.RATE_LIMITED, msg + "; no new order before " + next.noOrderBefore(), next.noOrderBefore(), e);
    } catch (AcmeException | IssueException | AcmeProtocolException e) {
      String msg = e instanceof AcmeServerException s ? describe(s.getProblem()) : e.getMessage();
      if (orderPlaced[0]) {
        LineageState next = backoff.failed(store.state(request.lineage()), msg);
        store.saveState(request.lineage(), next);
        throw new IssueException(IssueException.Kind.VALIDATION_FAILED, request.lineage() + ": " + msg + " (attempt " + next.failedAttempts()
            + "; next attempt not before " + next.nextAttempt() + ")", next.nextAttempt(), e);
      }
      throw e instanceof IssueException ie ? ie : new IssueException(IssueException.Kind.CA_UNREACHABLE, request.lineage() + ": " + msg, e);
    }
  }

  private IssuedCertificate order(Login login, IssueRequest request, boolean[] orderPlaced)
      throws AcmeException, IssueException, InterruptedException {
    OrderBuilder ob = login.newOrder().domains(request.domains());
    request.profile().ifPresent(ob::profile);
    if (request.replaces().isPresent()) {
      if (accounts.supportsRenewalInfo()) {
        ob.replaces(request.replaces().get());
      } else {
        progress.accept("the CA has no renewal information (ARI); ordering without 'replaces'");
      }
    }
    orderPlaced[0] = true;
    Order order = ob.create();
    progress.accept("order " + order.getLocation() + " for " + String.join(", ", request.domains()));
    authorize(order);
    Status ready = poller.await(Poller.of(order), Set.of(Status.READY, Status.VALID), "order", progress);
    if (ready == Status.INVALID) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "order " + order.getLocation() + " became invalid: " + order.getError().map(AcmeIssuer::describe).orElse("no reason given"));
    }
    KeyPair key = request.reuseKey().orElseGet(request.keyType()::generate);
    progress.accept("finalizing order with a " + (request.reuseKey().isPresent() ? "reused " : "new ") + request.keyType().id() + " key");
    order.execute(key);
    Status done = poller.await(Poller.of(order), Set.of(Status.VALID), "order", progress);
    if (done != Status.VALID) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "order " + order.getLocation() + " failed at finalization: "
          + order.getError().map(AcmeIssuer::describe).orElse("no reason given"));
    }
    Certificate cert = order.getCertificate();
    CertificateBundle bundle = bundle(cert, key);
    progress.accept("issued serial " + bundle.serial() + ", valid until " + bundle.notAfter());
    Map<String, String> details = new LinkedHashMap<>();
    details.put(CERTIFICATE_URL, cert.getLocation().toString());
    details.put(ORDER_URL, order.getLocation().toString());
    details.put(ACCOUNT_URL, login.getAccountLocation().toString());
    details.put(DIRECTORY, directory.toString());
    details.put(ACCOUNT, accounts.accountName());
    return new IssuedCertificate(bundle, details);
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
        Challenge challenge = prepare(auth, prepared);
        triggered.add(challenge);
        pending.add(auth);
      }
      for (ChallengeSolver.Prepared p : prepared) {
        p.awaitReady(progress);
      }
      for (Challenge c : triggered) {
        c.trigger();
      }
      for (int i = 0; i < pending.size(); i++) {
        Authorization auth = pending.get(i);
        String name = label(auth);
        Status s = poller.await(Poller.of(auth), Set.of(Status.VALID), "authorization for " + name, progress);
        if (s != Status.VALID) {
          Challenge c = triggered.get(i);
          c.fetch();
          throw new IssueException(IssueException.Kind.VALIDATION_FAILED, c.getType() + " validation of " + name + " failed: "
              + c.getError().map(AcmeIssuer::describe).orElse("status " + s.name().toLowerCase()));
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
          prepared.add(solver.prepare(PendingChallenge.http01(domain, c.get().getToken(), c.get().getAuthorization()), progress));
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
      }
    }
    List<String> offered = auth.getChallenges().stream().map(Challenge::getType).toList();
    throw new IssueException(IssueException.Kind.LOCAL, "no configured solver can validate " + label(auth) + " (CA offers " + offered
        + (wildcard ? "; wildcards need --challenge dns-01" : "") + ")");
  }

  private void checkProfile(Optional<String> profile) throws IssueException {
    if (profile.isEmpty()) {
      return;
    }
    Set<String> offered = accounts.profiles();
    if (!offered.contains(profile.get())) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "profile " + profile.get() + " is not offered by " + directory
          + (offered.isEmpty() ? " (it advertises no profiles); remove the profile setting"
              : "; offered: " + String.join(", ", new java.util.TreeSet<>(offered))));
    }
  }

  /**
   * Revokes a certificate this account obtained.
   *
   * @param reason RFC 5280 reason, see {@link #parseReason}
   */
  public void revoke(CertificateBundle bundle, RevocationReason reason) throws IssueException {
    try {
      Certificate.revoke(accounts.login(), bundle.leaf(), reason);
      progress.accept("revoked serial " + bundle.serial() + " (" + reason.name().toLowerCase() + ")");
    } catch (AcmeServerException e) {
      throw new IssueException(IssueException.Kind.CA_REJECTED, "revocation of serial " + bundle.serial() + " refused: " + describe(e.getProblem()), e);
    } catch (AcmeException e) {
      throw new IssueException(IssueException.Kind.CA_UNREACHABLE, "revocation of serial " + bundle.serial() + " failed: " + e.getMessage(), e);
    }
  }

  /** Parses a reason such as {@code keyCompromise}, {@code key-compromise} or {@code superseded}. */
  public static RevocationReason parseReason(String text) {
    String t = text.trim().replace("-", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
    for (RevocationReason r : RevocationReason.values()) {
      if (r.name().replace("_", "").toLowerCase(java.util.Locale.ROOT).equals(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException("revocation reason " + text + " is unknown; use one of unspecified, "
        + "keyCompromise, affiliationChanged, superseded, cessationOfOperation");
  }

  static CertificateBundle bundle(Certificate cert, KeyPair key) {
    List<X509Certificate> chain = new ArrayList<>(cert.getCertificateChain());
    X509Certificate leaf = chain.remove(0);
    chain.removeIf(c -> c.getSubjectX500Principal().equals(c.getIssuerX500Principal()));
    return CertificateBundle.of(leaf, chain, key.getPrivate());
  }

  static String describe(Problem p) {
    if (p == null) {
      return "unknown problem";
    }
    StringBuilder sb = new StringBuilder(p.getDetail().or(p::getTitle).orElse(String.valueOf(p.getType())));
    String type = String.valueOf(p.getType());
    if (type.startsWith("urn:ietf:params:acme:error:")) {
      sb.append(" [").append(type.substring("urn:ietf:params:acme:error:".length())).append(']');
    }
    for (Problem sub : p.getSubProblems()) {
      sb.append("; ").append(sub.getIdentifier().map(i -> i.getValue() + ": ").orElse("")).append(describe(sub));
    }
    return sb.toString();
  }

  private static String label(Authorization auth) {
    return (auth.isWildcard() ? "*." : "") + auth.getIdentifier().getDomain();
  }

  private static Instant later(LineageState s) {
    if (s.noOrderBefore() == null) {
      return s.nextAttempt();
    }
    return s.nextAttempt() == null || s.noOrderBefore().isAfter(s.nextAttempt()) ? s.noOrderBefore() : s.nextAttempt();
  }

  /** Builds an {@link AcmeIssuer}. */
  public static final class Builder {
    private URI directory;
    private String accountName = "default";
    private String email;
    private boolean agreeTos;
    private String eabKeyId;
    private String eabHmacKey;
    private final List<X509Certificate> serverCa = new ArrayList<>();
    private final List<ChallengeSolver> solvers = new ArrayList<>();
    private CertificateStore store;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Consumer<String> progress = line -> {};
    private PollSchedule pollSchedule = PollSchedule.DEFAULT;
    private java.util.function.DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

    private Builder() {}

    /** The ACME directory URL; see {@link AcmeDirectories#resolve} for short names. */
    public Builder directory(URI directory) { this.directory = directory; return this; }

    /** The local account name (default {@code default}); one account per (directory, name). */
    public Builder accountName(String name) { this.accountName = name; return this; }

    /** Contact e-mail registered with a new account (optional). */
    public Builder email(String email) { this.email = email; return this; }

    /** Whether the user accepted the CA's terms of service (required by CAs that publish terms). */
    public Builder agreeToTermsOfService(boolean agree) { this.agreeTos = agree; return this; }

    /**
     * External account binding for CAs that require it (ZeroSSL, Sectigo, Google).
     *
     * @param keyId the CA's key identifier
     * @param hmacKey the resolved base64url HMAC key (resolve the secret reference first; never logged)
     */
    public Builder externalAccountBinding(String keyId, String hmacKey) {
      this.eabKeyId = keyId;
      this.eabHmacKey = hmacKey;
      return this;
    }

    /** Extra trust anchors for the CA's own HTTPS, added to the JDK's ({@code --server-ca}). */
    public Builder serverCa(List<X509Certificate> anchors) { this.serverCa.addAll(anchors); return this; }

    /** Adds a solver; the first that can validate a name and is offered by the CA is used. */
    public Builder solver(ChallengeSolver solver) { this.solvers.add(solver); return this; }

    public Builder solvers(List<ChallengeSolver> solvers) { this.solvers.addAll(solvers); return this; }

    /** Where accounts and lineage state are kept. */
    public Builder store(CertificateStore store) { this.store = store; return this; }

    public Builder clock(Clock clock) { this.clock = clock; return this; }

    public Builder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }

    /** Receives one line per step (order placed, waiting for DNS, validated, issued). */
    public Builder progress(Consumer<String> progress) { this.progress = progress; return this; }

    public Builder pollSchedule(PollSchedule schedule) { this.pollSchedule = schedule; return this; }

    /** Uniform random numbers in [0, 1) for backoff jitter (tests pin it). */
    public Builder random(java.util.function.DoubleSupplier random) { this.random = random; return this; }

    public AcmeIssuer build() {
      if (directory == null) {
        throw new IllegalStateException("ACME issuer: directory is required");
      }
      if (store == null) {
        throw new IllegalStateException("ACME issuer: store is required");
      }
      if ((eabKeyId == null) != (eabHmacKey == null)) {
        throw new IllegalStateException("external account binding needs both the key id and the HMAC key");
      }
      return new AcmeIssuer(this);
    }
  }
}
