package io.certferry.core.issue.acme;

import io.certferry.core.CertificateBundle;
import io.certferry.core.Sleeper;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueException.Kind;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.Revoker;
import io.certferry.core.renew.AriClient;
import io.certferry.core.renew.AriException;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.x509.IpAddresses;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.shredzone.acme4j.Certificate;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.RevocationReason;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * Obtains certificates from an ACME CA (RFC 8555) through acme4j: the account from the store
 * (registered on first use, under the store's account lock), one order per request (or the order the
 * last process left, resumed), challenges answered by the configured {@link ChallengeSolver}s, polling
 * per {@link PollSchedule}. Failures are reported as {@link IssueException}s of their kind; the issuer
 * writes nothing but the account: backoff and rate limits are the engine's to keep.
 *
 * <pre>{@code
 * AcmeIssuer issuer = AcmeIssuer.builder()
 *     .directory(AcmeDirectories.resolve("letsencrypt"))
 *     .agreeToTermsOfService(true)
 *     .solver(new Http01StandaloneSolver(new InetSocketAddress(80)))
 *     .store(store)
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class AcmeIssuer implements Issuer, Revoker, AutoCloseable {
  /** Keys of {@link IssuedCertificate#details()}. */
  public static final String CERTIFICATE_URL = "certificateUrl";
  public static final String ORDER_URL = "orderUrl";
  public static final String ACCOUNT_URL = "accountUrl";
  public static final String DIRECTORY = "directory";
  public static final String ACCOUNT = "account";
  public static final String PROFILE = "profile";
  /** The ARI id of the certificate the order replaced ({@code replaces}), when it named one. */
  public static final String REPLACES = IssuedCertificate.REPLACES;
  /** {@code true} when the certificate is the CA's earlier replacement, adopted instead of ordered. */
  public static final String ADOPTED = "adopted";
  /** Prefix of the keys that say, per name, which challenge validated it and why: {@link IssuedCertificate#CHALLENGE_PREFIX}. */
  public static final String CHALLENGE_PREFIX = IssuedCertificate.CHALLENGE_PREFIX;

  private final AcmeAccounts accounts;
  private final URI directory;
  private final List<ChallengeSolver> solvers;
  private final Consumer<String> progress;
  private final AcmeOrders orders;
  private final AriClient ari;

  private AcmeIssuer(Builder b) {
    this.directory = Objects.requireNonNull(b.directory, "directory");
    this.solvers = List.copyOf(b.solvers);
    this.progress = b.progress;
    this.accounts = new AcmeAccounts(b.directory, b.accountName, b.email, b.agreeTos, b.eabKeyId, b.eabHmacKey,
        b.serverCa, b.store, b.progress, b.sessions != null ? b.sessions : new AcmeSessions());
    this.orders = new AcmeOrders(b.directory, b.accountName, solvers, new Poller(b.pollSchedule, b.clock, b.sleeper),
        b.clock, b.progress);
    this.ari = AriClient.builder().clock(b.clock).extraTrustAnchors(b.serverCa).build();
    AcmeWarmUp.start();
  }

  /**
   * A builder; the directory and the store are required.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  @Override
  public String source() { return "acme"; }

  @Override
  public String id() { return directory.toString(); }

  /**
   * The directory this issuer orders from.
   *
   * @since 0.1
   */
  public URI directory() { return directory; }

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

  @Override
  public IssuedCertificate issue(IssueRequest request) throws IssueException, InterruptedException {
    if (solvers.isEmpty()) {
      throw new IssueException(Kind.LOCAL, "no challenge solver configured; set challenges: [http-01] (or tls-alpn-01, "
          + "dns-01, dns-account-01, dns-persist-01)");
    }
    checkProfile(request.profile());
    try (AcmeAccounts.Lease lease = accounts.lease()) {
      Login login = lease.login();
      AcmeOrders.Done done = orders.run(login, request, lease.supportsRenewalInfo());
      progress.accept((done.adopted() ? "adopted serial " : "issued serial ") + done.bundle().serial() + ", valid until " + done.bundle().notAfter());
      Map<String, String> details = new LinkedHashMap<>();
      details.put(CERTIFICATE_URL, done.certificate().getLocation().toString());
      details.put(ORDER_URL, done.order().getLocation().toString());
      details.put(ACCOUNT_URL, login.getAccountLocation().toString());
      details.put(DIRECTORY, directory.toString());
      details.put(ACCOUNT, accounts.accountName());
      request.profile().ifPresent(p -> details.put(PROFILE, p));
      done.replaced().ifPresent(r -> details.put(REPLACES, r));
      if (done.adopted()) {
        details.put(ADOPTED, "true");
      }
      done.challenges().forEach((name, why) -> details.put(CHALLENGE_PREFIX + name, why));
      return new IssuedCertificate(done.bundle(), details);
    } catch (AcmeException e) {
      throw AcmeProblems.failure(request.lineage(), e);
    }
  }

  /**
   * The ACME account's URL, registering the account first when the store has none.
   *
   * @since 0.1
   */
  public URI accountUrl() throws IssueException {
    try (AcmeAccounts.Lease lease = accounts.lease()) {
      return lease.login().getAccountLocation().toURI();
    } catch (URISyntaxException e) {
      throw new IssueException(Kind.CA_REJECTED, "the CA gave an account URL that is not a URI", e);
    }
  }

  /**
   * The dns-persist-01 records that authorize this issuer's account for {@code domains}, by name (one per
   * DNS name; {@code policy=wildcard} when {@code *.name} is among them; IP addresses have none), naming
   * the CA by the first of its directory's {@code caaIdentities}. Registers the account when the store has
   * none, since the record names it.
   *
   * @since 0.1
   */
  public Map<String, DnsPersistRecord> dnsPersistRecords(List<String> domains) throws IssueException {
    List<String> issuers = accounts.caaIdentities();
    if (issuers.isEmpty()) {
      throw new IssueException(Kind.CA_REJECTED, "the CA at " + directory + " names no caaIdentities in its directory, "
          + "so the issuer domain name of its dns-persist-01 records is unknown; take it from the CA's documentation");
    }
    String account = accountUrl().toString();
    Optional<Instant> until = solvers.stream().filter(DnsPersist01Solver.class::isInstance)
        .map(DnsPersist01Solver.class::cast).findFirst().flatMap(DnsPersist01Solver::persistUntil);
    Map<String, DnsPersistRecord> out = new LinkedHashMap<>();
    for (String d : domains) {
      String name = d.startsWith("*.") ? d.substring(2) : d;
      if (!IpAddresses.isLiteral(name) && !out.containsKey(name)) {
        out.put(name, new DnsPersistRecord(issuers.get(0), account, domains.contains("*." + name), until));
      }
    }
    return out;
  }

  /**
   * The CA's renewal information, found through the directory's {@code renewalInfo} resource; empty
   * when the CA offers no ARI. A directory that cannot be read gives a source that fails with the reason.
   */
  @Override
  public Optional<RenewalInfoSource> renewalInfo() {
    try {
      Optional<URL> url = accounts.renewalInfoUrl();
      if (url.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(ari.source(url.get().toURI()));
    } catch (AcmeException | URISyntaxException | RuntimeException e) {
      // acme4j reports a directory it cannot parse with runtime exceptions (AcmeProtocolException).
      String why = "the ACME directory " + directory + " could not be read: " + e.getMessage();
      return Optional.of(certId -> {
        throw new AriException(why);
      });
    }
  }

  /** The profile is checked against the directory before an order, so a typo fails before any order is placed. */
  private void checkProfile(Optional<String> profile) throws IssueException {
    if (profile.isEmpty()) {
      return;
    }
    Optional<String> problem = AcmeDirectoryCheck.profileProblem(profile.get(), accounts.profiles(), directory);
    if (problem.isPresent()) {
      throw new IssueException(Kind.CA_REJECTED, problem.get());
    }
  }

  @Override
  public void revoke(CertificateBundle bundle, String reason) throws IssueException {
    RevocationReason r = parseReason(reason);
    try (AcmeAccounts.Lease lease = accounts.lease()) {
      Certificate.revoke(lease.login(), bundle.leaf(), r);
      progress.accept("revoked serial " + bundle.serial() + " (" + reason + ")");
    } catch (AcmeServerException e) {
      throw new IssueException(Kind.CA_REJECTED, "revocation of serial " + bundle.serial() + " refused: "
          + AcmeProblems.describe(e.getProblem()), e);
    } catch (AcmeException e) {
      throw new IssueException(Kind.CA_UNREACHABLE, "revocation of serial " + bundle.serial() + " failed: "
          + e.getMessage(), e);
    }
  }

  /**
   * Parses a reason such as {@code keyCompromise}, {@code key-compromise} or {@code superseded}.
   *
   * @throws IllegalArgumentException naming the accepted reasons
   * @since 0.1
   */
  public static RevocationReason parseReason(String text) {
    String t = text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (RevocationReason r : RevocationReason.values()) {
      if (r.name().replace("_", "").toLowerCase(Locale.ROOT).equals(t)) {
        return r;
      }
    }
    throw new IllegalArgumentException("revocation reason " + text + " is unknown; use one of unspecified, "
        + "keyCompromise, affiliationChanged, superseded, cessationOfOperation");
  }

  /**
   * Builds an {@link AcmeIssuer}.
   *
   * @since 0.1
   */
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
    private Consumer<String> progress = line -> { };
    private PollSchedule pollSchedule = PollSchedule.DEFAULT;
    private AcmeSessions sessions;

    private Builder() {}

    /**
     * The ACME directory URL; see {@link AcmeDirectories#resolve} for short names.
     *
     * @since 0.1
     */
    public Builder directory(URI directory) { this.directory = directory; return this; }

    /**
     * The local account name (default {@code default}); one account per (directory, name).
     *
     * @since 0.1
     */
    public Builder accountName(String name) { this.accountName = name; return this; }

    /**
     * Contact e-mail registered with a new account (optional).
     *
     * @since 0.1
     */
    public Builder email(String email) { this.email = email; return this; }

    /**
     * Whether the user accepted the CA's terms of service (required by CAs that publish terms).
     *
     * @since 0.1
     */
    public Builder agreeToTermsOfService(boolean agree) { this.agreeTos = agree; return this; }

    /**
     * External account binding for CAs that require it (ZeroSSL, Sectigo, Google).
     *
     * @param keyId the CA's key identifier
     * @param hmacKey the resolved base64url HMAC key (resolve the secret reference first; never logged)
     * @since 0.1
     */
    public Builder externalAccountBinding(String keyId, String hmacKey) {
      this.eabKeyId = keyId;
      this.eabHmacKey = hmacKey;
      return this;
    }

    /**
     * Extra trust anchors for the CA's own HTTPS, added to the JDK's ({@code serverCa}).
     *
     * @since 0.1
     */
    public Builder serverCa(List<X509Certificate> anchors) { this.serverCa.addAll(anchors); return this; }

    /**
     * Adds a solver; the first that can validate a name and is offered by the CA is used.
     *
     * @since 0.1
     */
    public Builder solver(ChallengeSolver solver) { this.solvers.add(solver); return this; }

    /**
     * Adds solvers, in order of preference.
     *
     * @since 0.1
     */
    public Builder solvers(List<ChallengeSolver> solvers) { this.solvers.addAll(solvers); return this; }

    /**
     * Where the ACME account is kept (and locked while it is registered).
     *
     * @since 0.1
     */
    public Builder store(CertificateStore store) { this.store = store; return this; }

    /**
     * The clock orders and polls are timed by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /**
     * How polls wait (default {@link Sleeper#SYSTEM}).
     *
     * @since 0.1
     */
    public Builder sleeper(Sleeper sleeper) { this.sleeper = Objects.requireNonNull(sleeper); return this; }

    /**
     * Receives one line per step (order placed, waiting for DNS, validated, issued).
     *
     * @since 0.1
     */
    public Builder progress(Consumer<String> progress) { this.progress = Objects.requireNonNull(progress); return this; }

    /**
     * How often and how long the order and authorizations are polled (default {@link PollSchedule#DEFAULT}).
     *
     * @since 0.1
     */
    public Builder pollSchedule(PollSchedule schedule) { this.pollSchedule = Objects.requireNonNull(schedule); return this; }

    /**
     * Sessions shared with the other issuers of the same engine (default: this issuer's own).
     *
     * @since 0.1
     */
    public Builder sessions(AcmeSessions sessions) { this.sessions = Objects.requireNonNull(sessions); return this; }

    /**
     * The issuer; nothing is contacted until the first issuance.
     *
     * @since 0.1
     */
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
