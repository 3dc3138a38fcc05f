package io.certferry.core.internal;

import io.certferry.core.CertificateBundle;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.WatchedEndpoint;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.WatchRecord;
import io.certferry.core.x509.CertificateChecks;
import io.certferry.core.x509.Fingerprints;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One watched endpoint's pass: a TLS handshake, the certificate's facts, the same state rule and alert policy
 * as a managed certificate (a watched certificate is "due" once a third of its lifetime is left, the point by
 * which its owner should have replaced it), then the record kept. A dry run looks without keeping or sending
 * anything. Not API.
 */
public final class WatchPass {
  private final CertificateStore store;
  private final Clock clock;
  private final TlsProbe probe;
  private final AlertPolicy alerts;
  private final Events events;
  private final Duration maxInterval;

  public WatchPass(CertificateStore store, Clock clock, TlsProbe probe, AlertPolicy alerts, Events events,
                   Duration maxInterval) {
    this.store = store;
    this.clock = clock;
    this.probe = probe;
    this.alerts = alerts;
    this.events = events;
    this.maxInterval = maxInterval;
  }

  /** Checks the endpoint now; {@code keep}: save the record and send the alerts (false for a dry run). */
  public CertificatePass.Result run(WatchedEndpoint e, boolean keep) {
    Instant now = clock.instant();
    WatchRecord before = store.watchRecord(e.name()).orElse(null);
    StoredVersion seen = before == null ? null : before.seen();
    String error = null;
    try {
      List<X509Certificate> chain = probe.servedChain(e.host(), e.port(), e.serverName());
      seen = facts(e, chain.get(0), now);
      if (!CertificateChecks.covers(seen.domains(), e.serverName())) {
        error = e.host() + ":" + e.port() + " serves a certificate for " + seen.domains() + ", which does not cover "
            + e.serverName();
      }
    } catch (IOException | RuntimeException ex) {
      error = "TLS handshake to " + e.host() + ":" + e.port() + " for " + e.serverName() + " failed: " + ex.getMessage()
          + (seen == null ? "" : " (showing what it served at " + seen.storedAt() + ")");
    }
    List<Instant> wake = new ArrayList<>();
    wake.add(now.plus(maxInterval));
    Map<String, String> failures = new LinkedHashMap<>();
    if (error != null) {
      failures.put(AlertPolicy.WATCH, error);
    }
    LineageState.Plan plan = seen == null ? null : plan(seen, now);
    boolean overdue = plan != null && !now.isBefore(plan.renewAt());
    AlertPolicy.Evaluation eval = alerts.evaluate(e.name(), Optional.ofNullable(seen), overdue, failures,
        before == null ? Map.of() : before.alerts(), now);
    if (seen != null && overdue) {
      wake.addAll(alerts.crossings(seen.notAfter(), now));
    }
    wake.addAll(alerts.pending(eval.extra()));
    if (keep) {
      store.saveWatchRecord(new WatchRecord(e.name(), e.host(), e.port(), e.serverName(), now, seen, error, eval.extra()));
      eval.alerts().forEach(events::alert);
    }
    Instant next = wake.stream().filter(now::isBefore).min(Instant::compareTo).orElse(now.plus(maxInterval));
    CertificateStatus status = status(e.name(), e.serverName(), seen, plan, error, now);
    return new CertificatePass.Result(status, next, keep ? null : new ReconcilePlan.CertificatePlan(e.name(),
        ReconcilePlan.Action.NONE, "watched, not managed: checked by TLS handshake to " + e.host() + ":" + e.port()
            + (error == null ? "" : "; " + error), List.of(), eval.alerts().stream().map(LifecycleEvent::message).toList(),
        status));
  }

  /** The status of a kept record, without a handshake: what {@code list} and {@code /status} show. */
  public static CertificateStatus status(WatchRecord r, Instant now) {
    return status(r.name(), r.serverName(), r.seen(), r.seen() == null ? null : plan(r.seen(), now), r.error(), now);
  }

  private static CertificateStatus status(String name, String serverName, StoredVersion seen, LineageState.Plan plan,
                                          String error, Instant now) {
    if (seen == null) {
      return new CertificateStatus(name, WatchedEndpoint.SOURCE, List.of(serverName), Optional.empty(),
          CertificateStatus.MISSING, Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(),
          Optional.ofNullable(error));
    }
    return StatusReader.of(name, WatchedEndpoint.SOURCE, List.of(serverName), seen, plan, false, List.of(),
        Optional.ofNullable(error), now);
  }

  /** When the endpoint's owner should have replaced its certificate: the planner's lifetime rule, without ARI. */
  private static LineageState.Plan plan(StoredVersion seen, Instant now) {
    LineageState.Plan p = StatusReader.planFor(seen, now);
    return new LineageState.Plan(p.sha256(), p.renewAt(), p.rule(), "watched, not renewed by Certferry: its owner "
        + "should replace it by then (" + p.reason() + ")");
  }

  private static StoredVersion facts(WatchedEndpoint e, X509Certificate leaf, Instant now) {
    Map<String, String> details = Map.of("host", e.host(), "port", Integer.toString(e.port()), "serverName", e.serverName());
    return new StoredVersion(0, WatchedEndpoint.SOURCE, CertificateBundle.dnsNames(leaf), leaf.getNotBefore().toInstant(),
        leaf.getNotAfter().toInstant(), leaf.getSerialNumber().toString(16), Fingerprints.sha256(leaf),
        leaf.getIssuerX500Principal().getName(), leaf.getPublicKey().getAlgorithm(), now, details);
  }
}
