package io.certferry.core;

import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.internal.CertificatePass;
import io.certferry.core.internal.Discovery;
import io.certferry.core.internal.Events;
import io.certferry.core.internal.Explainer;
import io.certferry.core.internal.Issuance;
import io.certferry.core.internal.Lifecycle;
import io.certferry.core.internal.Passes;
import io.certferry.core.internal.Reconciler;
import io.certferry.core.internal.StatusReader;
import io.certferry.core.internal.WatchPass;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.renew.RenewalExplanation;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The engine: it keeps a set of {@link ManagedCertificate}s valid and served. Every door goes through
 * it: a CLI command calls one method and prints, the agent calls {@link #reconcile()} in a loop, an
 * embedding tool does either. What a user sees never depends on the door.
 *
 * <ul>
 *   <li>{@link #reconcile()}: one pass over every certificate: renew when due, bring every target to
 *       the current version, record, alert.</li>
 *   <li>{@link #renew(String, boolean)}, {@link #issue(String)}: the same pass for one certificate, forced
 *       or not.</li>
 *   <li>{@link #importVersion}: a certificate bought elsewhere becomes the current version.</li>
 *   <li>{@link #deploy(String, Collection)}: the current version to some targets now, whatever their backoff.</li>
 *   <li>{@link #revoke(String, String)}: revoke the current version at its CA; it is renewed on the next pass.</li>
 *   <li>{@link #status()}: every lineage of the store as every door reports it.</li>
 * </ul>
 * Endpoints it does not manage ({@link WatchedEndpoint}) are checked by TLS handshake on every pass and
 * reported and alerted on like its own certificates, with source {@code watched}.
 * Each operation emits its {@link LifecycleEvent}s, so logs, metrics and notifications are the same
 * whichever door was used.
 *
 * <pre>{@code
 * CertManager manager = CertManager.builder()
 *     .store(FileStore.open(dir))
 *     .certificate(ManagedCertificate.of("www", List.of("www.example.test"), "local")
 *         .withIssuer(LocalCaIssuer.builder(store).create()).withTargets(targets))
 *     .build();
 * ReconcileReport report = manager.reconcile();
 * }</pre>
 *
 * <p>Crash safety: an ACME order is kept in the store from the moment the CA accepts it and resumed
 * after a crash; a new certificate is stored (atomically, key included) before anything is deployed;
 * targets are compared with the current version on every pass, so none is left behind.
 *
 * @since 0.1
 */
public final class CertManager implements AutoCloseable {
  private final CertificateStore store;
  private final Clock clock;
  private final Map<String, Issuer> issuers;
  private final Map<String, ManagedCertificate> certificates;
  private final List<WatchedEndpoint> watched;
  private final Events events;
  private final Deployer deployer;
  private final boolean ownsDeployer;
  private final ExecutorService certExecutor;
  private final boolean ownsExecutor;
  private final Reconciler reconciler;

  private CertManager(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.issuers = Map.copyOf(b.issuers);
    this.certificates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.certificates));
    this.watched = List.copyOf(b.watched.values());
    this.events = new Events(b.listeners, b.notifiers);
    this.ownsDeployer = b.deployer == null;
    Backoff deployBackoff = seeded(b.deployBackoff, Backoff.DEPLOY, b.random);
    Backoff issueBackoff = seeded(b.issueBackoff, Backoff.ISSUANCE, b.random);
    this.deployer = b.deployer != null ? b.deployer : Deployer.builder().store(store).clock(clock)
        .parallelism(b.parallelism).backoff(deployBackoff).targetTimeout(b.targetTimeout).listener(events::emit).build();
    AtomicInteger n = new AtomicInteger();
    this.ownsExecutor = b.executor == null;
    this.certExecutor = b.executor != null ? b.executor : Executors.newFixedThreadPool(b.parallelism, r -> {
      Thread t = new Thread(r, "certferry-reconcile-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    RenewalPlanner.Builder planner = RenewalPlanner.builder().clock(clock);
    if (b.random != null) {
      planner.random(b.random);
    }
    RenewalPlanner renewalPlanner = planner.build();
    CertificatePass pass = new CertificatePass(store, clock, renewalPlanner, deployer, b.alerts, events,
        new Issuance(store, clock, issueBackoff, events), b.maxInterval);
    CertificatePass dry = new CertificatePass(store, clock, renewalPlanner, deployer, b.alerts, Events.NONE,
        new Issuance(store, clock, issueBackoff, Events.NONE), b.maxInterval, true);
    this.reconciler = new Reconciler(store, clock, pass, dry,
        new WatchPass(store, clock, b.tlsProbe, b.alerts, events, b.maxInterval), events, certExecutor,
        b.maxInterval, b.permit, this::issuerOf);
  }

  /**
   * A builder; only the store is required.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /** A default backoff draws its jitter from the manager's generator, when one was given. */
  private static Backoff seeded(Backoff chosen, Backoff standard, RandomGenerator random) {
    return random != null && chosen == standard ? standard.withRandom(random) : chosen;
  }

  /**
   * The certificates this manager keeps, in the order they were added.
   *
   * @since 0.1
   */
  public List<ManagedCertificate> certificates() { return List.copyOf(certificates.values()); }

  /**
   * The endpoints this manager watches, in the order they were added.
   *
   * @since 0.1
   */
  public List<WatchedEndpoint> watched() { return watched; }

  /**
   * The store this manager keeps everything in.
   *
   * @since 0.1
   */
  public CertificateStore store() { return store; }

  /**
   * One pass over every certificate: renew when due, deploy the current version to every target not
   * serving it, record, alert. Certificates are handled in parallel (bounded), each under its store
   * lock; one certificate's failure never stops another's. The first pass looks at every certificate;
   * later passes look only at those whose next due instant has come (the rest are reported as this manager last
   * saw them, without reading the store), so an idle agent costs one query. Every door that changes a lineage
   * behind this manager's back (an import, a revocation) makes it due.
   *
   * <p>A lineage whose lock another agent or process holds is not waited for: it is skipped, reported under
   * {@link ReconcileReport#heldElsewhere()} with its status as stored, and looked at again when that hold lapses.
   * Certificates are also skipped, the same way, while the {@linkplain Builder#workPermit work permit} refuses.
   *
   * @throws InterruptedException when interrupted; work in flight finishes its current step
   * @since 0.1
   */
  public ReconcileReport reconcile() throws InterruptedException {
    List<ManagedCertificate> all = List.copyOf(certificates.values());
    Passes.start(all);
    return reconciler.reconcile(all, watched);
  }

  /**
   * What a pass would do now, and why, with none of it done: every decision of {@link #reconcile()} (renew or
   * not and by which rule, the hold, the CA a fallback would ask, what each target serves and whether it would be
   * deployed to, its window, the alerts due) with no order, upload, store write or notification. Deciding reads:
   * the CA's renewal information, each target's served certificate, each watched endpoint.
   *
   * @throws InterruptedException when interrupted
   * @since 0.1
   */
  public ReconcilePlan plan() throws InterruptedException {
    List<ManagedCertificate> all = List.copyOf(certificates.values());
    Passes.start(all);
    return reconciler.plan(all, watched);
  }

  /**
   * Proves that issuance works end to end without keeping what it yields, as certbot's {@code --dry-run} does:
   * {@code issuer} (for an ACME certificate, the same settings against the CA's staging directory) is asked for a
   * certificate with {@code name}'s names, key type and profile; the result is checked to cover the names and
   * then dropped. Nothing is stored, deployed or announced; the lineage's state, backoff and rate-limit hold are
   * neither read nor written. What the issuer keeps of its own (an ACME account) is its affair: give it a store
   * of its own.
   *
   * @return the certificate's facts, as a version numbered 0 that was never stored
   * @throws IssueException when the CA refuses or cannot be reached, or the certificate does not cover the names
   * @throws IllegalArgumentException when no certificate of that name is managed
   * @since 0.1
   */
  public StoredVersion trialIssue(String name, Issuer issuer) throws IssueException, InterruptedException {
    return Lifecycle.trialIssue(certificate(name), issuer, clock);
  }

  /**
   * What every target of every certificate serves now, asked in parallel (one API call or handshake each, reads
   * only), each certificate found matched to a stored version when it is one.
   *
   * @since 0.1
   */
  public List<TargetDiscovery> discover() throws InterruptedException {
    List<ManagedCertificate> all = List.copyOf(certificates.values());
    Passes.start(all);
    return Discovery.run(store, all, certExecutor);
  }

  /**
   * The next {@link #reconcile()} looks at every certificate, as the first does, instead of only those due: for an
   * agent that has just become its fleet's leader, since another agent may have worked on them meanwhile.
   *
   * @since 0.1
   */
  public void lookAtEverythingNext() { reconciler.lookAtEverythingNext(); }

  /**
   * Asks a pass in progress to wind down: certificates already being handled finish their step, the
   * others are skipped (reported as found in the store). Later passes do nothing. For shutdown.
   *
   * @since 0.1
   */
  public void stop() { reconciler.stop(); }

  /**
   * One certificate's pass now: renew if due ({@code force}: whatever the rules say; the CA's rate limit
   * still holds), deploy to its targets, record, alert.
   *
   * @throws IllegalArgumentException when no certificate of that name is managed
   * @since 0.1
   */
  public CertificateStatus renew(String name, boolean force) throws InterruptedException {
    Passes.start(List.of(certificate(name)));
    return reconciler.run(certificate(name), force).status();
  }


  /**
   * A new version of {@code name} now. A lineage that has a version gets one whatever the renewal rules
   * say ({@code renew(name, true)}); one without is simply due, so a failure backoff from an earlier
   * attempt still holds (fix the cause, then wait, or the CA's failed-validation limit comes next).
   *
   * @since 0.1
   */
  public CertificateStatus issue(String name) throws InterruptedException {
    return renew(name, store.current(name).isPresent());
  }

  /**
   * The outcome of {@link #importVersion}: the version and whether it was added (false: it was current already).
   *
   * @since 0.1
   */
  public record Imported(StoredVersion version, boolean added) {}

  /**
   * Makes a certificate obtained elsewhere (bought, downloaded) the current version of {@code name}. The
   * bundle must cover the names the lineage expects; importing the current certificate again changes
   * nothing. The lineage's spec is created when missing. Deploys happen on the next pass (or
   * {@link #deploy}).
   *
   * @param details facts to keep with the version, e.g. {@code importedFrom}
   * @throws InputRejectedException when the bundle does not cover the lineage's names
   * @since 0.1
   */
  public Imported importVersion(String name, CertificateBundle bundle, Map<String, String> details)
      throws InputRejectedException {
    return Lifecycle.importVersion(store, clock, events, name, bundle, details);
  }


  /**
   * Deploys the current version of {@code name} to the given targets now (all of them when empty),
   * failed ones too whatever their backoff: a person asked. Verifies and records like a pass.
   *
   * @throws IllegalArgumentException naming the certificate or a target id that is not managed
   * @throws IllegalStateException when the certificate has no version yet
   * @since 0.1
   */
  public DeployOutcome deploy(String name, Collection<String> targetIds) throws InterruptedException {
    ManagedCertificate mc = certificate(name);
    List<String> ids = mc.targets().stream().map(DeployTarget::id).toList();
    for (String id : targetIds) {
      if (!ids.contains(id)) {
        throw new IllegalArgumentException(name + " has no target '" + id + "'; its targets: " + ids);
      }
    }
    List<DeployTarget> chosen = targetIds.isEmpty() ? mc.targets()
        : mc.targets().stream().filter(t -> targetIds.contains(t.id())).toList();
    Passes.start(List.of(mc));
    try (CertificateStore.Lock lock = store.lock(name)) {
      CertificateBundle bundle = store.currentBundle(name).orElseThrow(() -> new IllegalStateException(
          name + " has no certificate yet; run a pass (certferry run --once) or import one first"));
      return deployer.deploy(name, bundle, chosen, true);
    }
  }

  /**
   * Revokes the current version of {@code name} at the CA that issued it, then plans its renewal for
   * now, so the next pass (or {@link #renew}) replaces it.
   *
   * @param reason {@code unspecified}, {@code keyCompromise}, {@code superseded}, {@code cessationOfOperation}
   *     or {@code affiliationChanged}
   * @throws InputRejectedException when the certificate has no version, or its issuer cannot revoke
   * @since 0.1
   */
  public StoredVersion revoke(String name, String reason) throws InputRejectedException, IssueException {
    ManagedCertificate mc = certificate(name);
    return Lifecycle.revoke(store, clock, events, name, issuerOf(mc), reason);
  }


  /**
   * Why {@code name} renews when it does: the planned instant and its rule, the hold, the CA the next attempt
   * asks (after a fallback, which one), the next look. Reads the store only; asks no CA.
   *
   * @throws IllegalArgumentException when no certificate of that name is managed
   * @since 0.1
   */
  public RenewalExplanation explain(String name) {
    ManagedCertificate mc = certificate(name);
    return Explainer.explain(store, mc, issuerOf(mc), clock.instant());
  }

  /**
   * Every lineage of the store and every endpoint this manager watches, soonest-expiring first, as {@code list}
   * and {@code /status} show them.
   *
   * @since 0.1
   */
  public List<CertificateStatus> status() {
    Set<String> mine = new HashSet<>(watched.stream().map(WatchedEndpoint::name).toList());
    return status(store, clock.instant()).stream()
        .filter(s -> !WatchedEndpoint.SOURCE.equals(s.source()) || mine.contains(s.name())).toList();
  }

  /**
   * Every lineage of a store at {@code now}, as the engine reports it, read from metadata only (no PEM,
   * no key, no network): what {@code list} prints without building a manager.
   *
   * @since 0.1
   */
  public static List<CertificateStatus> status(CertificateStore store, Instant now) { return StatusReader.all(store, now); }

  /**
   * One lineage of the store, if it exists.
   *
   * @since 0.1
   */
  public Optional<CertificateStatus> status(String name) { return status(store, name, clock.instant()); }

  /**
   * One lineage (or watched endpoint) of a store at {@code now}, if it exists; metadata only.
   *
   * @since 0.1
   */
  public static Optional<CertificateStatus> status(CertificateStore store, String name, Instant now) {
    if (store.spec(name).isEmpty() && store.current(name).isEmpty()) {
      return store.watchRecord(name).map(r -> WatchPass.status(r, now));
    }
    return Optional.of(StatusReader.read(store, name, now));
  }

  private ManagedCertificate certificate(String name) {
    ManagedCertificate mc = certificates.get(name);
    if (mc == null) {
      throw new IllegalArgumentException("no certificate named '" + name + "' is managed here; managed: "
          + certificates.keySet());
    }
    return mc;
  }

  private Optional<Issuer> issuerOf(ManagedCertificate mc) {
    return mc.issuer().or(() -> Optional.ofNullable(issuers.get(mc.source())));
  }

  @Override
  public void close() {
    if (ownsExecutor) {
      certExecutor.shutdownNow();
    }
    if (ownsDeployer) {
      deployer.close();
    }
  }

  /**
   * Builds a {@link CertManager}; only the store is required.
   *
   * @since 0.1
   */
  public static final class Builder {
    private CertificateStore store;
    private Clock clock = Clock.systemUTC();
    private final Map<String, Issuer> issuers = new HashMap<>();
    private final Map<String, ManagedCertificate> certificates = new LinkedHashMap<>();
    private final Map<String, WatchedEndpoint> watched = new LinkedHashMap<>();
    private TlsProbe tlsProbe = TlsProbe.withDefaults();
    private final List<Notifier> listeners = new ArrayList<>();
    private final List<Notifier> notifiers = new ArrayList<>();
    private Deployer deployer;
    private ExecutorService executor;
    private int parallelism = 4;
    private AlertPolicy alerts = AlertPolicy.defaults();
    private Backoff issueBackoff = Backoff.ISSUANCE;
    private Backoff deployBackoff = Backoff.DEPLOY;
    private Duration maxInterval = Duration.ofHours(12);
    private Duration targetTimeout = Duration.ofMinutes(10);
    private RandomGenerator random;
    private Supplier<Optional<String>> permit = Optional::empty;

    private Builder() {}

    /**
     * Where lineages, versions, state and accounts are kept (required).
     *
     * @since 0.1
     */
    public Builder store(CertificateStore store) { this.store = store; return this; }

    /**
     * The clock every decision is made by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /**
     * The issuer for certificates whose source is {@code source} ({@code acme}, {@code local}).
     *
     * @since 0.1
     */
    public Builder issuer(String source, Issuer issuer) { issuers.put(source, issuer); return this; }

    /**
     * Adds a certificate to keep; a later one with the same name replaces it.
     *
     * @since 0.1
     */
    public Builder certificate(ManagedCertificate certificate) { certificates.put(certificate.name(), certificate); return this; }

    /**
     * Adds an endpoint to check by TLS handshake on every pass; a later one with the same name replaces it.
     *
     * @since 0.1
     */
    public Builder watch(WatchedEndpoint endpoint) { watched.put(endpoint.name(), endpoint); return this; }

    /**
     * How watched endpoints are checked (default {@link TlsProbe#withDefaults()}: 10 s to connect and shake hands).
     *
     * @since 0.1
     */
    public Builder tlsProbe(TlsProbe probe) { this.tlsProbe = Objects.requireNonNull(probe); return this; }

    /**
     * Receives every {@link LifecycleEvent}, alerts included (logs, metrics).
     *
     * @since 0.1
     */
    public Builder listener(Notifier listener) { listeners.add(Objects.requireNonNull(listener)); return this; }

    /**
     * Receives the deduplicated alerts only (people: webhook, e-mail).
     *
     * @since 0.1
     */
    public Builder notifier(Notifier notifier) { notifiers.add(Objects.requireNonNull(notifier)); return this; }

    /**
     * A deployer of your own (its listener is then yours to set); default: one built on this manager's store and clock.
     *
     * @since 0.1
     */
    public Builder deployer(Deployer deployer) { this.deployer = deployer; return this; }

    /**
     * Runs each certificate's step on this executor (it must not be the deployer's, or a full pool would
     * wait on itself); not shut down by {@link CertManager#close()}. Default: a pool of {@link #parallelism}.
     *
     * @since 0.1
     */
    public Builder executor(ExecutorService executor) { this.executor = executor; return this; }

    /**
     * Certificates handled at once, and targets deployed at once by the default deployer (default 4).
     *
     * @since 0.1
     */
    public Builder parallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
      }
      this.parallelism = n;
      return this;
    }

    /**
     * When expiry and failure alerts are raised (default {@link AlertPolicy#defaults()}).
     *
     * @since 0.1
     */
    public Builder alertPolicy(AlertPolicy alerts) { this.alerts = Objects.requireNonNull(alerts); return this; }

    /**
     * Backoff after a failed issuance (default {@link Backoff#ISSUANCE}).
     *
     * @since 0.1
     */
    public Builder issueBackoff(Backoff backoff) { this.issueBackoff = Objects.requireNonNull(backoff); return this; }

    /**
     * Backoff after a failed deploy, for the default deployer (default {@link Backoff#DEPLOY}).
     *
     * @since 0.1
     */
    public Builder deployBackoff(Backoff backoff) { this.deployBackoff = Objects.requireNonNull(backoff); return this; }

    /**
     * The longest a certificate goes unlooked-at, and a {@link ReconcileReport#nextWakeUp()} lies ahead (default 12 hours).
     *
     * @since 0.1
     */
    public Builder maxInterval(Duration maxInterval) { this.maxInterval = Objects.requireNonNull(maxInterval); return this; }

    /**
     * How long one pass waits for all targets of a certificate, for the default deployer (default 10 minutes).
     *
     * @since 0.1
     */
    public Builder targetTimeout(Duration timeout) { this.targetTimeout = Objects.requireNonNull(timeout); return this; }

    /**
     * Where the engine's random choices come from: the instant picked inside a CA's ARI window and the jitter
     * of the default backoffs (a backoff passed in keeps its own). Default: a secure generator for the pick,
     * {@link java.util.concurrent.ThreadLocalRandom} for jitter. A seeded generator makes a run repeatable;
     * it is shared by the certificates' threads, so pass a thread-safe one ({@link java.util.Random}).
     *
     * @since 0.1
     */
    public Builder random(RandomGenerator random) { this.random = Objects.requireNonNull(random, "random"); return this; }

    /**
     * Asked before each certificate's pass of {@link CertManager#reconcile()}: empty lets it run; a reason skips it
     * (reported under {@link ReconcileReport#heldElsewhere()} with that reason). A fleet agent passes "do I still
     * lead the fleet?", so a leader that lost its lease stops at its next certificate. Default: always empty.
     *
     * @since 0.1
     */
    public Builder workPermit(Supplier<Optional<String>> permit) { this.permit = Objects.requireNonNull(permit); return this; }

    /**
     * The manager; it starts nothing until an operation is called.
     *
     * @throws IllegalArgumentException when a watched endpoint has the name of a managed certificate
     * @since 0.1
     */
    public CertManager build() {
      watched.keySet().stream().filter(certificates::containsKey).findFirst().ifPresent(n -> {
        throw new IllegalArgumentException("watched endpoint " + n + " has the name of a managed certificate; rename it");
      });
      return new CertManager(this);
    }
  }
}
