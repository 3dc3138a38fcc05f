package io.certferry.core;

import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.internal.CertificatePass;
import io.certferry.core.internal.Events;
import io.certferry.core.internal.Explainer;
import io.certferry.core.internal.Issuance;
import io.certferry.core.internal.Lifecycle;
import io.certferry.core.internal.Passes;
import io.certferry.core.internal.StatusReader;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.renew.RenewalExplanation;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(CertManager.class);
  /** When a certificate whose pass crashed (a bug, the store gone) is looked at again. */
  private static final Duration RETRY_AFTER_CRASH = Duration.ofMinutes(5);

  private final CertificateStore store;
  private final Clock clock;
  private final Map<String, Issuer> issuers;
  private final Map<String, ManagedCertificate> certificates;
  private final Events events;
  private final Deployer deployer;
  private final boolean ownsDeployer;
  private final ExecutorService certExecutor;
  private final boolean ownsExecutor;
  private final CertificatePass pass;
  private final Duration maxInterval;
  private volatile boolean fullPassDone;
  private volatile boolean stopping;

  private CertManager(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.issuers = Map.copyOf(b.issuers);
    this.certificates = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.certificates));
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
    this.maxInterval = b.maxInterval;
    RenewalPlanner.Builder planner = RenewalPlanner.builder().clock(clock);
    if (b.random != null) {
      planner.random(b.random);
    }
    this.pass = new CertificatePass(store, clock, planner.build(), deployer, b.alerts, events,
        new Issuance(store, clock, issueBackoff, events), maxInterval);
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
   * The store this manager keeps everything in.
   *
   * @since 0.1
   */
  public CertificateStore store() { return store; }

  /**
   * One pass over every certificate: renew when due, deploy the current version to every target not
   * serving it, record, alert. Certificates are handled in parallel (bounded), each under its store
   * lock; one certificate's failure never stops another's. The first pass looks at every certificate;
   * later passes look only at those whose next due instant has come (the rest are reported from the
   * store), so an idle agent costs nothing.
   *
   * @throws InterruptedException when interrupted; work in flight finishes its current step
   * @since 0.1
   */
  public ReconcileReport reconcile() throws InterruptedException {
    Instant started = clock.instant();
    Set<String> due = fullPassDone ? new HashSet<>(store.due(started)) : null;
    List<ManagedCertificate> all = List.copyOf(certificates.values());
    Passes.start(all);
    List<Future<CertificatePass.Result>> futures = new ArrayList<>();
    for (ManagedCertificate mc : all) {
      boolean look = due == null || due.contains(mc.name());
      futures.add(certExecutor.submit(() -> look ? one(mc, false) : quiet(mc)));
    }
    List<CertificateStatus> statuses = new ArrayList<>();
    Instant wake = started.plus(maxInterval);
    for (int i = 0; i < futures.size(); i++) {
      CertificatePass.Result r;
      try {
        r = futures.get(i).get();
      } catch (ExecutionException e) {
        r = crashed(all.get(i), e.getCause());
      }
      statuses.add(r.status());
      if (r.nextDue().isBefore(wake)) {
        wake = r.nextDue();
      }
    }
    fullPassDone = true;
    return new ReconcileReport(started, clock.instant(), statuses, wake);
  }

  private CertificatePass.Result one(ManagedCertificate mc, boolean force) throws InterruptedException {
    if (stopping) {
      return skipped(mc, "skipped: shutting down");
    }
    return pass.run(mc, issuerOf(mc), force);
  }

  /**
   * A certificate that is not due: reported from the store, nothing contacted; unless its current
   * version is not the one the engine last planned (imported or restored behind its back), which gets a
   * full pass now.
   */
  private CertificatePass.Result quiet(ManagedCertificate mc) throws InterruptedException {
    LineageState state = store.state(mc.name());
    Optional<StoredVersion> current = store.current(mc.name());
    boolean planned = current.isPresent() && state.plan() != null && state.plan().sha256().equals(current.get().sha256());
    if (!planned || state.nextDue() == null) {
      return one(mc, false);
    }
    CertificateStatus status = StatusReader.read(store, mc.name(), current, state, clock.instant());
    return new CertificatePass.Result(status, state.nextDue());
  }

  private CertificatePass.Result crashed(ManagedCertificate mc, Throwable t) {
    LOG.debug("reconcile of {} failed", mc.name(), t);
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    events.alert(LifecycleEvent.of(LifecycleEvent.Type.RENEWAL_FAILED, clock.instant(), mc.name(), msg));
    return skipped(mc, msg);
  }

  private CertificatePass.Result skipped(ManagedCertificate mc, String why) {
    CertificateStatus read;
    try {
      read = StatusReader.read(store, mc.name(), clock.instant());
    } catch (RuntimeException e) {
      read = new CertificateStatus(mc.name(), mc.source(), mc.domains(), Optional.empty(), CertificateStatus.MISSING,
          Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(), Optional.empty());
    }
    CertificateStatus s = new CertificateStatus(read.name(), read.source(), read.domains(), read.current(),
        read.state(), read.daysLeft(), read.renewAt(), read.renewReason(), false, read.targets(), Optional.of(why));
    return new CertificatePass.Result(s, clock.instant().plus(RETRY_AFTER_CRASH));
  }

  /**
   * Asks a pass in progress to wind down: certificates already being handled finish their step, the
   * others are skipped (reported as found in the store). Later passes do nothing. For shutdown.
   *
   * @since 0.1
   */
  public void stop() { stopping = true; }

  /**
   * One certificate's pass now: renew if due ({@code force}: whatever the rules say; the CA's rate limit
   * still holds), deploy to its targets, record, alert.
   *
   * @throws IllegalArgumentException when no certificate of that name is managed
   * @since 0.1
   */
  public CertificateStatus renew(String name, boolean force) throws InterruptedException {
    Passes.start(List.of(certificate(name)));
    return pass.run(certificate(name), issuerOf(certificate(name)), force).status();
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
   * Every lineage of the store, soonest-expiring first, as {@code list} and {@code /status} show them.
   *
   * @since 0.1
   */
  public List<CertificateStatus> status() { return status(store, clock.instant()); }

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
   * One lineage of a store at {@code now}, if it exists; metadata only.
   *
   * @since 0.1
   */
  public static Optional<CertificateStatus> status(CertificateStore store, String name, Instant now) {
    if (store.spec(name).isEmpty() && store.current(name).isEmpty()) {
      return Optional.empty();
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
     * The manager; it starts nothing until an operation is called.
     *
     * @since 0.1
     */
    public CertManager build() { return new CertManager(this); }
  }
}
