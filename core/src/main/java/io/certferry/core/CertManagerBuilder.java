package io.certferry.core;

import io.certferry.core.deploy.Deployer;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Builds a {@link CertManager}; only the store is required.
 *
 * @since 0.1
 */
public final class CertManagerBuilder {
  CertificateStore store;
  Clock clock = Clock.systemUTC();
  final Map<String, Issuer> issuers = new HashMap<>();
  final Map<String, ManagedCertificate> certificates = new LinkedHashMap<>();
  final Map<String, WatchedEndpoint> watched = new LinkedHashMap<>();
  TlsProbe tlsProbe = TlsProbe.withDefaults();
  final List<Notifier> listeners = new ArrayList<>();
  final List<Notifier> notifiers = new ArrayList<>();
  Deployer deployer;
  ExecutorService executor;
  int parallelism = 4;
  AlertPolicy alerts = AlertPolicy.defaults();
  Backoff issueBackoff = Backoff.ISSUANCE;
  Backoff deployBackoff = Backoff.DEPLOY;
  Duration maxInterval = Duration.ofHours(12);
  Duration targetTimeout = Duration.ofMinutes(10);
  RandomGenerator random;
  Supplier<Optional<String>> permit = Optional::empty;

  CertManagerBuilder() {}

  /**
   * Where lineages, versions, state and accounts are kept (required).
   *
   * @since 0.1
   */
  public CertManagerBuilder store(CertificateStore store) { this.store = store; return this; }

  /**
   * The clock every decision is made by (default: the system clock, UTC).
   *
   * @since 0.1
   */
  public CertManagerBuilder clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

  /**
   * The issuer for certificates whose source is {@code source} ({@code acme}, {@code local}).
   *
   * @since 0.1
   */
  public CertManagerBuilder issuer(String source, Issuer issuer) { issuers.put(source, issuer); return this; }

  /**
   * Adds a certificate to keep; a later one with the same name replaces it.
   *
   * @since 0.1
   */
  public CertManagerBuilder certificate(ManagedCertificate certificate) { certificates.put(certificate.name(), certificate); return this; }

  /**
   * Adds an endpoint to check by TLS handshake on every pass; a later one with the same name replaces it.
   *
   * @since 0.1
   */
  public CertManagerBuilder watch(WatchedEndpoint endpoint) { watched.put(endpoint.name(), endpoint); return this; }

  /**
   * How watched endpoints are checked (default {@link TlsProbe#withDefaults()}: 10 s to connect and shake hands).
   *
   * @since 0.1
   */
  public CertManagerBuilder tlsProbe(TlsProbe probe) { this.tlsProbe = Objects.requireNonNull(probe); return this; }

  /**
   * Receives every {@link LifecycleEvent}, alerts included (logs, metrics).
   *
   * @since 0.1
   */
  public CertManagerBuilder listener(Notifier listener) { listeners.add(Objects.requireNonNull(listener)); return this; }

  /**
   * Receives the deduplicated alerts only (people: webhook, e-mail).
   *
   * @since 0.1
   */
  public CertManagerBuilder notifier(Notifier notifier) { notifiers.add(Objects.requireNonNull(notifier)); return this; }

  /**
   * A deployer of your own (its listener is then yours to set); default: one built on this manager's store and clock.
   *
   * @since 0.1
   */
  public CertManagerBuilder deployer(Deployer deployer) { this.deployer = deployer; return this; }

  /**
   * Runs each certificate's step on this executor (it must not be the deployer's, or a full pool would
   * wait on itself); not shut down by {@link CertManager#close()}. Default: a pool of {@link #parallelism}.
   *
   * @since 0.1
   */
  public CertManagerBuilder executor(ExecutorService executor) { this.executor = executor; return this; }

  /**
   * Certificates handled at once, and targets deployed at once by the default deployer (default 4).
   *
   * @since 0.1
   */
  public CertManagerBuilder parallelism(int n) {
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
  public CertManagerBuilder alertPolicy(AlertPolicy alerts) { this.alerts = Objects.requireNonNull(alerts); return this; }

  /**
   * Backoff after a failed issuance (default {@link Backoff#ISSUANCE}).
   *
   * @since 0.1
   */
  public CertManagerBuilder issueBackoff(Backoff backoff) { this.issueBackoff = Objects.requireNonNull(backoff); return this; }

  /**
   * Backoff after a failed deploy, for the default deployer (default {@link Backoff#DEPLOY}).
   *
   * @since 0.1
   */
  public CertManagerBuilder deployBackoff(Backoff backoff) { this.deployBackoff = Objects.requireNonNull(backoff); return this; }

  /**
   * The longest a certificate goes unlooked-at, and a {@link ReconcileReport#nextWakeUp()} lies ahead (default 12 hours).
   *
   * @since 0.1
   */
  public CertManagerBuilder maxInterval(Duration maxInterval) { this.maxInterval = Objects.requireNonNull(maxInterval); return this; }

  /**
   * How long one pass waits for all targets of a certificate, for the default deployer (default 10 minutes).
   *
   * @since 0.1
   */
  public CertManagerBuilder targetTimeout(Duration timeout) { this.targetTimeout = Objects.requireNonNull(timeout); return this; }

  /**
   * Where the engine's random choices come from: the instant picked inside a CA's ARI window and the jitter
   * of the default backoffs (a backoff passed in keeps its own). Default: a secure generator for the pick,
   * {@link java.util.concurrent.ThreadLocalRandom} for jitter. A seeded generator makes a run repeatable;
   * it is shared by the certificates' threads, so pass a thread-safe one ({@link java.util.Random}).
   *
   * @since 0.1
   */
  public CertManagerBuilder random(RandomGenerator random) { this.random = Objects.requireNonNull(random, "random"); return this; }

  /**
   * Asked before each certificate's pass of {@link CertManager#reconcile()}: empty lets it run; a reason skips it
   * (reported under {@link ReconcileReport#heldElsewhere()} with that reason). A fleet agent passes "do I still
   * lead the fleet?", so a leader that lost its lease stops at its next certificate. Default: always empty.
   *
   * @since 0.1
   */
  public CertManagerBuilder workPermit(Supplier<Optional<String>> permit) { this.permit = Objects.requireNonNull(permit); return this; }

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
