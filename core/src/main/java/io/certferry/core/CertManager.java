package io.certferry.core;

import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
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
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalExplanation;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
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

  CertManager(CertManagerBuilder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.issuers = Map.copyOf(b.issuers);
    this.certificates = Collections.unmodifiableMap(new LinkedHashMap<>(b.certificates));
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
  public static CertManagerBuilder builder() { return new CertManagerBuilder(); }

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
   * Certificates are also skipped, the same way, while the {@linkplain CertManagerBuilder#workPermit work permit} refuses.
   *
   * @throws InterruptedException when interrupted; work in flight finishes its current step
   * @since 0.1
   */
  public ReconcileReport reconcile() throws InterruptedException {
    List<ManagedCertificate> all = passOverAll();
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
    List<ManagedCertificate> all = passOverAll();
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
    List<ManagedCertificate> all = passOverAll();
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

  /** Every certificate, with their targets told that a pass begins (what they read in the last one is read again). */
  private List<ManagedCertificate> passOverAll() {
    List<ManagedCertificate> all = List.copyOf(certificates.values());
    Passes.start(all);
    return all;
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
}
