package io.certferry.core.internal;

import io.certferry.core.Backoff;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.AlreadyReplacedException;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.AriCertificateId;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoredVersion;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Obtaining a new version: the request (a reused key, {@code replaces}, the profile, the order the last
 * process left), the store write (first, before any deploy), the event; and on failure the lineage's
 * backoff or rate-limit hold, kept here and nowhere else. The caller holds the lineage's lock. Not API.
 */
public final class Issuance {
  /** Key in a version's details: the issuer that made it ({@link Issuer#id()}). */
  public static final String ISSUER = "issuer";
  /** Key in a version's details: the version it copies, when the CA's earlier replacement was adopted. */
  public static final String ADOPTED_FROM = "adoptedFrom";
  /** How long new orders wait after a rate limit that came without Retry-After. */
  static final Duration RATE_LIMIT_DEFAULT = Duration.ofHours(1);

  private final CertificateStore store;
  private final Clock clock;
  private final Backoff backoff;
  private final Events events;

  public Issuance(CertificateStore store, Clock clock, Backoff backoff, Events events) {
    this.store = store;
    this.clock = clock;
    this.backoff = backoff;
    this.events = events;
  }

  /** Issues, stores and announces a new version of {@code mc}. */
  public StoredVersion issue(ManagedCertificate mc, Issuer issuer, Optional<StoredVersion> current,
                             Optional<String> replaces) throws IssueException, InterruptedException {
    Optional<KeyPair> reuse = Optional.empty();
    if (mc.reuseKey() && current.isPresent()) {
      CertificateBundle old = store.load(mc.name(), current.get().number());
      if (old.keyType() == mc.keyType()) {
        reuse = Optional.of(new KeyPair(old.leaf().getPublicKey(), old.privateKey()));
      }
    }
    Optional<PendingOrder> journal = store.pendingOrder(mc.name());
    IssueRequest request = request(mc, reuse, replaces, journal);
    IssuedCertificate issued;
    try {
      issued = issuer.issue(request);
      if (journal.isPresent() && stored(mc.name(), issued.bundle())) {
        // The process that placed this order stored its certificate and died before clearing the order: the order
        // is spent (resuming it hands back the current version), so place a new one.
        store.clearPendingOrder(mc.name());
        request = request(mc, reuse, replaces, Optional.empty());
        issued = issuer.issue(request);
      }
    } catch (AlreadyReplacedException e) {
      Optional<StoredVersion> adopted = adopt(mc, issuer, current, e);
      if (adopted.isPresent()) {
        return adopted.get();
      }
      // Nothing here to adopt (another installation holds it): one order without replaces, never a loop.
      issued = issuer.issue(request.withoutReplaces());
    }
    Map<String, String> details = new HashMap<>(issued.details());
    details.putIfAbsent(ISSUER, issuer.id());
    if (!details.containsKey(RenewalPlanner.ARI_CERT_ID)) {
      // Kept with the version so renewal can ask the CA (ARI) without parsing the certificate.
      AriCertificateId.of(issued.bundle().leaf()).ifPresent(id -> details.put(RenewalPlanner.ARI_CERT_ID, id));
    }
    // Store first, deploy after: a crash from here on finds the new version and never orders again.
    StoredVersion v = store.addVersion(mc.name(), issued.bundle(), issuer.source(), details);
    store.clearPendingOrder(mc.name());
    LifecycleEvent.Type type = current.isEmpty() ? LifecycleEvent.Type.ISSUED : LifecycleEvent.Type.RENEWED;
    events.emit(new LifecycleEvent(type, clock.instant(), mc.name(), Optional.empty(),
        (current.isEmpty() ? "issued" : "renewed") + " version " + v.number() + " by " + issuer.id() + ", valid until "
            + v.notAfter() + ", sha256 " + v.sha256(),
        Map.of("source", issuer.source(), "issuer", issuer.id(), "sha256", v.sha256(),
            "version", Integer.toString(v.number()), "result", "success")));
    return v;
  }

  private IssueRequest request(ManagedCertificate mc, Optional<KeyPair> reuse, Optional<String> replaces,
                               Optional<PendingOrder> resume) {
    return new IssueRequest(mc.name(), mc.domains(), mc.keyType(), reuse, replaces, mc.profile(), resume,
        order -> store.savePendingOrder(mc.name(), order));
  }

  /** Whether the lineage already holds this certificate as one of its versions. */
  private boolean stored(String lineage, CertificateBundle bundle) {
    return store.versions(lineage).stream().anyMatch(v -> v.sha256().equals(bundle.sha256()));
  }

  /**
   * The CA already replaced the certificate being renewed: the stored version that replacement is (the same
   * leaf, or the newest version whose order replaced the same ARI id) becomes current again, as a new
   * version like any rollback, and no order is placed.
   */
  private Optional<StoredVersion> adopt(ManagedCertificate mc, Issuer issuer, Optional<StoredVersion> current,
                                        AlreadyReplacedException e) {
    String currentSha = current.map(StoredVersion::sha256).orElse("");
    List<StoredVersion> versions = store.versions(mc.name());
    for (int i = versions.size() - 1; i >= 0; i--) {
      StoredVersion v = versions.get(i);
      boolean isIt = e.replacement().map(r -> r.sha256().equals(v.sha256())).orElse(false)
          || e.certificateId().equals(v.details().get(IssuedCertificate.REPLACES));
      if (isIt && !v.sha256().equals(currentSha)) {
        Map<String, String> details = new HashMap<>(v.details());
        details.put(ADOPTED_FROM, Integer.toString(v.number()));
        StoredVersion adopted = store.addVersion(mc.name(), store.load(mc.name(), v.number()), v.source(), details);
        store.clearPendingOrder(mc.name());
        events.emit(new LifecycleEvent(LifecycleEvent.Type.RENEWED, clock.instant(), mc.name(), Optional.empty(),
            "adopted version " + v.number() + " as version " + adopted.number() + ": the CA had already replaced "
                + e.certificateId() + " with it; no new order", Map.of("source", issuer.source(), "issuer", issuer.id(),
                "sha256", adopted.sha256(), "version", Integer.toString(adopted.number()), "result", "success")));
        return Optional.of(adopted);
      }
    }
    return Optional.empty();
  }

  /**
   * The state after a failed attempt, announced: a rate limit holds new orders until the CA's
   * Retry-After; any other failure backs off by {@link Backoff#ISSUANCE}, counted from the first failure.
   */
  public LineageState failed(ManagedCertificate mc, Issuer issuer, LineageState s, IssueException e) {
    Instant now = clock.instant();
    LineageState next;
    String detail;
    LineageState.Failure before = s.failure();
    Instant since = before == null ? now : before.since();
    if (e.kind() == IssueException.Kind.RATE_LIMITED) {
      // Not a failed attempt (the backoff does not grow), but a failure all the same: it counts toward a fallback.
      Instant until = e.retryAfter().filter(now::isBefore).orElse(now.plus(RATE_LIMIT_DEFAULT));
      next = s.withNoOrderBefore(until).withFailure(new LineageState.Failure(e.kind().label(),
          before == null ? 0 : before.attempts(), since, until, e.getMessage()));
      detail = "no new order before " + until;
    } else {
      int attempts = before == null ? 1 : before.attempts() + 1;
      Optional<Duration> retryAfter = e.retryAfter().map(r -> Duration.between(now, r)).filter(d -> !d.isNegative());
      Instant at = backoff.next(now, attempts, true, retryAfter);
      next = s.withFailure(new LineageState.Failure(e.kind().label(), attempts, since, at, e.getMessage()));
      detail = "attempt " + attempts + ", next try " + at;
    }
    LifecycleEvent.Type type = e.kind() == IssueException.Kind.RATE_LIMITED
        ? LifecycleEvent.Type.RATE_LIMITED : LifecycleEvent.Type.RENEWAL_FAILED;
    events.emit(new LifecycleEvent(type, now, mc.name(), Optional.empty(), e.getMessage() + " (" + detail + ")",
        Map.of("source", issuer.source(), "issuer", issuer.id(), "result", e.kind().label(),
            "attempts", Integer.toString(next.failure() == null ? 0 : next.failure().attempts()))));
    return next;
  }
}
