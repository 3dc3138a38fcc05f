package io.certferry.core;

import io.certferry.core.ReconcileReport.CertificateStatus;
import io.certferry.core.ReconcileReport.TargetStatus;
import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade an embedding tool uses: it keeps a set of {@link ManagedCertificate}s valid and served.
 * One call to {@link #reconcile()} renews what is due, brings every target to the current version,
 * records everything in the store and tells listeners and notifiers.
 *
 * <pre>{@code
 * CertManager manager = CertManager.builder()
 *     .store(FileStore.open(dir))
 *     .issuer("local", localCa)
 *     .certificate(ManagedCertificate.of("www", List.of("www.example.test"), "local").withTargets(targets))
 *     .build();
 * ReconcileReport report = manager.reconcile();
 * }</pre>
 *
 * <p>Crash safety: a new certificate is stored (atomically, key included) before anything is
 * deployed, so a pass killed at any point finds it on the next start and deploys it instead of
 * ordering again; targets are compared with the current version every pass, so none is left behind.
 */
public final class CertManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CertManager.class);

  private final CertificateStore store;
  private final Clock clock;
  private final Map<String, Issuer> issuers;
  private final List<ManagedCertificate> certificates;
  private final List<Notifier> listeners;
  private final List<Notifier> notifiers;
  private final Deployer deployer;
  private final boolean ownsDeployer;
  private final ExecutorService certExecutor;
  private final boolean ownsExecutor;
  private final RenewalTiming timing;
  private final AlertPolicy alerts;
  private final Backoff issueBackoff;
  private final Duration maxInterval;
  private volatile boolean stopping;

  private CertManager(Builder b) {
    this.store = Objects.requireNonNull(b.store, "store");
    this.clock = b.clock;
    this.issuers = Map.copyOf(b.issuers);
    this.certificates = List.copyOf(b.certificates.values());
    this.listeners = List.copyOf(b.listeners);
    this.notifiers = List.copyOf(b.notifiers);
    this.ownsDeployer = b.deployer == null;
    this.deployer = b.deployer != null ? b.deployer
        : Deployer.builder().store(store).clock(clock).parallelism(b.parallelism).listener(this::emit).build();
    AtomicInteger n = new AtomicInteger();
    this.ownsExecutor = b.executor == null;
    this.certExecutor = b.executor != null ? b.executor : Executors.newFixedThreadPool(b.parallelism, r -> {
      Thread t = new Thread(r, "certferry-reconcile-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timing = b.timing;
    this.alerts = b.alerts;
    this.issueBackoff = b.issueBackoff;
    this.maxInterval = b.maxInterval;
  }

  public static Builder builder() { return new Builder(); }

  /** The certificates this manager keeps, in the order they were added. */
  public List<ManagedCertificate> certificates() { return certificates; }

  /**
   * One pass over every certificate: renew when due, deploy the current version to every target
   * not serving it, record, alert. Certificates are handled in parallel (bounded), each under its
   * store lock; one certificate's failure never stops another's.
   *
   * @throws InterruptedException when interrupted; work in flight finishes its current step
   */
  public ReconcileReport reconcile() throws InterruptedException {
    Instant started = clock.instant();
    List<Future<Pass>> futures = new ArrayList<>();
    for (ManagedCertificate mc : certificates) {
      futures.add(certExecutor.submit(() -> reconcileOne(mc)));
    }
    List<CertificateStatus> statuses = new ArrayList<>();
    Instant wake = started.plus(maxInterval);
    for (int i = 0; i < futures.size(); i++) {
      Pass p;
      try {
        p = futures.get(i).get();
      } catch (ExecutionException e) {
        p = crashed(certificates.get(i), e.getCause());
      }
      statuses.add(p.status());
      for (Instant w : p.wakeUps()) {
        if (w.isBefore(wake)) {
          wake = w;
        }
      }
    }
    return new ReconcileReport(started, clock.instant(), statuses, wake);
  }

  /** The per-certificate outcome of a pass and the instants it wants to be looked at again. */
  private record Pass(CertificateStatus status, List<Instant> wakeUps) {}

  private Pass crashed(ManagedCertificate mc, Throwable t) {
    LOG.debug("reconcile of {} failed", mc.name(), t);
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    emit(LifecycleEvent.of(LifecycleEvent.Type.RENEWAL_FAILED, clock.instant(), mc.name(), msg));
    Optional<StoredVersion> current = safely(() -> store.current(mc.name()));
    return new Pass(new CertificateStatus(mc.name(), mc.source(), mc.domains(),
        current.map(v -> stateOf(v, Optional.empty(), clock.instant())).orElse("missing"), current,
        Optional.empty(), false, recordedTargets(mc, current), Optional.of(msg)),
        List.of(clock.instant().plus(issueBackoff.base())));
  }

  /** Targets as deployments.json last recorded them (when this pass could not look). */
  private List<TargetStatus> recordedTargets(ManagedCertificate mc, Optional<StoredVersion> current) {
    Deployments d;
    try {
      d = store.deployments(mc.name());
    } catch (RuntimeException e) {
      d = Deployments.empty();
    }
    Deployments known = d;
    String sha = current.map(StoredVersion::sha256).orElse(null);
    return mc.targets().stream().map(t -> targetStatus(t.id(), known.target(t.id()), sha)).toList();
  }

  private static <T> Optional<T> safely(java.util.function.Supplier<Optional<T>> s) {
    try {
      return s.get();
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Asks a pass in progress to wind down: certificates already being handled finish their step,
   * the others are skipped (reported as found in the store). Later passes do nothing. For shutdown.
   */
  public void stop() { stopping = true; }

  private Pass skipped(ManagedCertificate mc) {
    Optional<StoredVersion> current = safely(() -> store.current(mc.name()));
    return new Pass(new CertificateStatus(mc.name(), mc.source(), mc.domains(),
        current.map(v -> stateOf(v, Optional.empty(), clock.instant())).orElse("missing"), current,
        Optional.empty(), false, recordedTargets(mc, current), Optional.of("skipped: shutting down")), List.of());
  }

  private Pass reconcileOne(ManagedCertificate mc) throws InterruptedException {
    if (stopping) {
      return skipped(mc);
    }
    try (CertificateStore.Lock lock = store.lock(mc.name())) {
      Instant now = clock.instant();
      LineageSpec spec = ensureSpec(mc);
      LineageState stored = store.state(mc.name());
      LineageState state = stored;
      Optional<StoredVersion> current = store.current(mc.name());
      List<Instant> wake = new ArrayList<>();
      Optional<RenewalTiming.Decision> decision = current.map(v -> timing.decide(spec, v, stored, now));
      if (decision.isPresent()) {
        state = decision.get().state();
        decision.get().windowMoved().ifPresent(m -> emit(LifecycleEvent.of(LifecycleEvent.Type.ARI_WINDOW_MOVED, now, mc.name(), m)));
      }
      boolean covered = current.map(v -> covers(v.domains(), mc.domains())).orElse(false);
      boolean needsNew = current.isEmpty() || decision.get().due() || !covered;
      Optional<Issuer> issuer = mc.issuer().or(() -> Optional.ofNullable(issuers.get(mc.source())));
      Optional<String> error = Optional.empty();
      boolean renewed = false;
      if (needsNew && issuer.isPresent()) {
        Instant notBefore = later(state.nextAttempt(), state.noOrderBefore());
        if (notBefore != null && now.isBefore(notBefore)) {
          wake.add(notBefore);
          error = Optional.ofNullable(state.lastError());
        } else {
          Optional<String> replaces = decision.flatMap(RenewalTiming.Decision::replaces);
          try {
            StoredVersion v = issue(mc, issuer.get(), current, replaces, now);
            renewed = true;
            current = Optional.of(v);
            state = new LineageState(null, 0, null, null, null, null, null, null, null, state.extra());
          } catch (IssueException e) {
            state = issueFailed(mc, state, e, now);
            wake.add(state.nextAttempt());
            error = Optional.of(e.getMessage());
          } catch (RuntimeException e) {
            // An issuer's bug or a store failure: back off like any failure rather than retry every pass.
            IssueException wrapped = new IssueException(IssueException.Kind.LOCAL, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            state = issueFailed(mc, state, wrapped, now);
            wake.add(state.nextAttempt());
            error = Optional.of(wrapped.getMessage());
          }
        }
      } else if (needsNew && issuer.isEmpty() && (current.isEmpty() || !covered)) {
        // An imported certificate merely due for replacement is not a failure: expiry alerts cover it.
        error = Optional.of(current.isEmpty()
            ? "no certificate stored yet; import one with: certferry import --name " + mc.name() + " --cert FILE --key FILE"
            : "the stored certificate does not cover " + missing(current.get().domains(), mc.domains())
                + "; import one that does with: certferry import --name " + mc.name());
      } else if (!needsNew) {
        state = clearIssueFailure(state);
      }
      Optional<Instant> renewAt = Optional.empty();
      if (current.isPresent()) {
        RenewalTiming.Decision d = renewed ? timing.decide(spec, current.get(), state, now) : decision.get();
        state = d.state();
        renewAt = Optional.of(d.renewAt());
        if (d.nextCheck().isAfter(now)) {
          wake.add(d.nextCheck());
        }
      }
      List<TargetStatus> targets = deploy(mc, current, wake);
      boolean overdue = renewAt.map(r -> !now.isBefore(r)).orElse(false);
      Map<String, String> failures = new LinkedHashMap<>();
      error.ifPresent(e -> failures.put("renewal", e));
      targets.stream().filter(t -> t.state().equals("failed"))
          .forEach(t -> failures.put("target:" + t.id(), t.lastError().orElse("failed")));
      AlertPolicy.Evaluation eval = alerts.evaluate(mc.name(), current, overdue, failures, state.extra(), now);
      if (overdue && current.isPresent()) {
        wake.addAll(alerts.crossings(current.get().notAfter(), now));
      }
      state = withExtra(state, eval.extra());
      if (!state.equals(stored)) {
        store.saveState(mc.name(), state); // an unchanged state is not rewritten: 1,000 fsyncs a pass add up
      }
      eval.alerts().forEach(this::alert);
      Optional<Instant> dueAt = renewAt;
      String certState = current.map(v -> stateOf(v, dueAt, clock.instant())).orElse("missing");
      return new Pass(new CertificateStatus(mc.name(), mc.source(), mc.domains(), certState, current, renewAt,
          renewed, targets, error), wake);
    }
  }

  private StoredVersion issue(ManagedCertificate mc, Issuer issuer, Optional<StoredVersion> current,
                              Optional<String> replaces, Instant now) throws IssueException, InterruptedException {
    Optional<KeyPair> reuse = Optional.empty();
    if (mc.reuseKey() && current.isPresent()) {
      CertificateBundle old = store.load(mc.name(), current.get().number());
      if (old.keyType() == mc.keyType()) {
        reuse = Optional.of(new KeyPair(old.leaf().getPublicKey(), old.privateKey()));
      }
    }
    IssueRequest req = new IssueRequest(mc.name(), mc.domains(), mc.keyType(), reuse, replaces,
        Optional.ofNullable(mc.options().get("profile")).filter(s -> !s.isBlank()));
    IssuedCertificate issued = issuer.issue(req);
    Map<String, String> details = new HashMap<>(issued.details());
    if (!details.containsKey(PlannedRenewalTiming.ARI_ID)) {
      // Kept with the version so renewal can ask the CA (ARI) without parsing the certificate.
      io.certferry.core.renew.AriCertificateId.of(issued.bundle().leaf())
          .ifPresent(id -> details.put(PlannedRenewalTiming.ARI_ID, id));
    }
    // Store first, deploy after: a crash from here on finds the new version and never orders again.
    StoredVersion v = store.addVersion(mc.name(), issued.bundle(), issuer.source(), details);
    LifecycleEvent.Type type = current.isEmpty() ? LifecycleEvent.Type.ISSUED : LifecycleEvent.Type.RENEWED;
    emit(new LifecycleEvent(type, clock.instant(), mc.name(), Optional.empty(),
        (current.isEmpty() ? "issued" : "renewed") + " version " + v.number() + ", valid until " + v.notAfter()
            + ", sha256 " + v.sha256(),
        Map.of("source", issuer.source(), "sha256", v.sha256(), "version", Integer.toString(v.number()))));
    return v;
  }

  private LineageState issueFailed(ManagedCertificate mc, LineageState s, IssueException e, Instant now) {
    int attempts = s.failedAttempts() + 1;
    Optional<Duration> retryAfter = e.retryAfter().map(r -> Duration.between(now, r)).filter(d -> !d.isNegative());
    Instant next = issueBackoff.next(now, attempts, true, retryAfter);
    Instant noOrderBefore = e.retryAfter().orElse(s.noOrderBefore());
    LifecycleEvent.Type type = e.retryAfter().isPresent() ? LifecycleEvent.Type.RATE_LIMITED : LifecycleEvent.Type.RENEWAL_FAILED;
    emit(new LifecycleEvent(type, now, mc.name(), Optional.empty(),
        e.getMessage() + " (attempt " + attempts + ", next try " + next + ")",
        Map.of("source", mc.source(), "attempts", Integer.toString(attempts))));
    return new LineageState(noOrderBefore, attempts, next, e.getMessage(), s.ariWindowStart(), s.ariWindowEnd(),
        s.ariRenewAt(), s.ariNextPoll(), s.ariExplanationUrl(), s.extra());
  }

  private static LineageState clearIssueFailure(LineageState s) {
    if (s.failedAttempts() == 0 && s.nextAttempt() == null && s.lastError() == null) {
      return s;
    }
    return new LineageState(s.noOrderBefore(), 0, null, null, s.ariWindowStart(), s.ariWindowEnd(), s.ariRenewAt(),
        s.ariNextPoll(), s.ariExplanationUrl(), s.extra());
  }

  private static LineageState withExtra(LineageState s, Map<String, String> extra) {
    return new LineageState(s.noOrderBefore(), s.failedAttempts(), s.nextAttempt(), s.lastError(), s.ariWindowStart(),
        s.ariWindowEnd(), s.ariRenewAt(), s.ariNextPoll(), s.ariExplanationUrl(), extra);
  }

  private List<TargetStatus> deploy(ManagedCertificate mc, Optional<StoredVersion> current, List<Instant> wake)
      throws InterruptedException {
    if (mc.targets().isEmpty()) {
      return List.of();
    }
    if (current.isEmpty()) {
      Deployments d = store.deployments(mc.name());
      return mc.targets().stream().map(t -> targetStatus(t.id(), d.target(t.id()), null)).toList();
    }
    CertificateBundle bundle = store.load(mc.name(), current.get().number());
    DeployOutcome outcome = deployer.deploy(mc.name(), bundle, mc.targets());
    outcome.nextRetry().ifPresent(wake::add);
    return outcome.targets().stream()
        .map(t -> targetStatus(t.targetId(), Optional.of(t.record()), bundle.sha256())).toList();
  }

  private static TargetStatus targetStatus(String id, Optional<TargetDeployment> rec, String currentSha) {
    if (rec.isEmpty()) {
      return new TargetStatus(id, "stale", Optional.empty(), 0, Optional.empty(), Optional.empty());
    }
    TargetDeployment r = rec.get();
    String state = r.result() == TargetDeployment.Result.FAILED ? "failed"
        : r.result() == TargetDeployment.Result.IN_SYNC && r.sha256() != null && r.sha256().equals(currentSha)
            ? "in-sync" : "stale";
    return new TargetStatus(id, state, Optional.ofNullable(r.sha256()), r.attempts(),
        Optional.ofNullable(r.nextAttempt()), Optional.ofNullable(r.lastError()));
  }

  /**
   * {@code expired}, {@code expiring} (renewal overdue and under a sixth of the lifetime or 7 days
   * left), {@code renewal-due} or {@code valid}.
   */
  static String stateOf(StoredVersion v, Optional<Instant> renewAt, Instant now) {
    if (!now.isBefore(v.notAfter())) {
      return "expired";
    }
    if (renewAt.isEmpty() || now.isBefore(renewAt.get())) {
      return "valid";
    }
    Duration left = Duration.between(now, v.notAfter());
    Duration life = Duration.between(v.notBefore(), v.notAfter());
    Duration tight = life.dividedBy(6).compareTo(Duration.ofDays(7)) < 0 ? life.dividedBy(6) : Duration.ofDays(7);
    return left.compareTo(tight) <= 0 ? "expiring" : "renewal-due";
  }

  private LineageSpec ensureSpec(ManagedCertificate mc) {
    LineageSpec want = new LineageSpec(mc.name(), mc.domains(), mc.source(), mc.keyType().id(), mc.options(),
        mc.targets().stream().map(io.certferry.core.deploy.DeployTarget::id).toList());
    if (!store.spec(mc.name()).equals(Optional.of(want))) {
      store.saveSpec(want);
    }
    return want;
  }

  /** Whether the names in a certificate cover every wanted name (a wildcard covers one label). */
  static boolean covers(List<String> have, List<String> want) {
    return missing(have, want).isEmpty();
  }

  /**
   * The wanted names a certificate with names {@code have} does not cover, in order (a wildcard
   * covers exactly one label: {@code *.example.org} covers {@code www.example.org}, not {@code example.org}).
   */
  public static List<String> missing(List<String> have, List<String> want) {
    List<String> out = new ArrayList<>();
    for (String w : want) {
      String n = w.toLowerCase(Locale.ROOT);
      boolean ok = have.stream().map(h -> h.toLowerCase(Locale.ROOT)).anyMatch(h -> h.equals(n)
          || h.startsWith("*.") && !n.startsWith("*.") && n.indexOf('.') > 0 && n.substring(n.indexOf('.')).equals(h.substring(1)));
      if (!ok) {
        out.add(w);
      }
    }
    return out;
  }

  private static Instant later(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private void emit(LifecycleEvent e) {
    for (Notifier n : listeners) {
      try {
        n.notify(e);
      } catch (RuntimeException ex) {
        LOG.debug("listener failed on {}: {}", e.type(), ex.toString());
      }
    }
  }

  /** An alert goes to the listeners (logs, metrics) and to every notifier (people). */
  private void alert(LifecycleEvent e) {
    emit(e);
    for (Notifier n : notifiers) {
      try {
        n.notify(e);
      } catch (RuntimeException ex) {
        LOG.debug("notifier failed on {}: {}", e.type(), ex.toString());
      }
    }
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

  /** Builds a {@link CertManager}; only the store is required. */
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
    private RenewalTiming timing = RenewalTiming.lifetime();
    private AlertPolicy alerts = AlertPolicy.defaults();
    private Backoff issueBackoff = Backoff.ISSUANCE;
    private Duration maxInterval = Duration.ofHours(12);

    public Builder store(CertificateStore store) { this.store = store; return this; }

    public Builder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /** The issuer for certificates whose source is {@code source} ({@code acme}, {@code local}). */
    public Builder issuer(String source, Issuer issuer) { issuers.put(source, issuer); return this; }

    /** Adds a certificate to keep; a later one with the same name replaces it. */
    public Builder certificate(ManagedCertificate certificate) { certificates.put(certificate.name(), certificate); return this; }

    /** Receives every {@link LifecycleEvent}, alerts included (logs, metrics). */
    public Builder listener(Notifier listener) { listeners.add(Objects.requireNonNull(listener)); return this; }

    /** Receives the deduplicated alerts only (people: webhook, e-mail). */
    public Builder notifier(Notifier notifier) { notifiers.add(Objects.requireNonNull(notifier)); return this; }

    /** A deployer of your own (its listener is then yours to set); default: one built on this manager's store and clock. */
    public Builder deployer(Deployer deployer) { this.deployer = deployer; return this; }

    /**
     * Runs each certificate's step on this executor (it must not be the deployer's, or a full pool
     * would wait on itself); not shut down by {@link CertManager#close()}. Default: a pool of {@link #parallelism}.
     */
    public Builder executor(ExecutorService executor) { this.executor = executor; return this; }

    /** Certificates handled at once, and targets deployed at once by the default deployer (default 4). */
    public Builder parallelism(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("parallelism must be at least 1, got " + n);
      }
      this.parallelism = n;
      return this;
    }

    public Builder renewalTiming(RenewalTiming timing) { this.timing = Objects.requireNonNull(timing); return this; }

    public Builder alertPolicy(AlertPolicy alerts) { this.alerts = Objects.requireNonNull(alerts); return this; }

    /** Backoff after a failed issuance (default 5 minutes doubling to 12 hours). */
    public Builder issueBackoff(Backoff backoff) { this.issueBackoff = Objects.requireNonNull(backoff); return this; }

    /** The longest a {@link ReconcileReport#nextWakeUp()} lies ahead (default 12 hours). */
    public Builder maxInterval(Duration maxInterval) { this.maxInterval = Objects.requireNonNull(maxInterval); return this; }

    public CertManager build() { return new CertManager(this); }
  }
}
