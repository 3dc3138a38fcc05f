package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Maintenance windows: whether a target may be changed now. A target outside its windows waits, unless the
 * certificate it serves would expire, or is revoked, before the next window opens plus a margin. Not API.
 */
final class DeployGate {
  /** A certificate a target serves must stay good this long past the next window's opening, or it is deployed now. */
  static final Duration MARGIN = Duration.ofHours(2);

  private final CertificateStore store;
  private final Clock clock;
  private final Events events;

  DeployGate(CertificateStore store, Clock clock, Events events) {
    this.store = store;
    this.clock = clock;
    this.events = events;
  }

  /**
   * Why a target is left alone now; empty when it may be deployed (no window, the window is open, it already
   * holds the current version, or waiting would serve an expired or revoked certificate, which the event says).
   *
   * @param wake receives the window's opening when the target waits
   */
  Optional<String> wait(ManagedCertificate mc, LineageState state, DeployTarget t, Deployments recorded, String sha,
                        Consumer<Instant> wake) {
    List<DeployWindow> windows = mc.windowsOf(t.id());
    Instant now = clock.instant();
    if (windows.isEmpty() || DeployWindow.anyOpen(windows, now)) {
      return Optional.empty();
    }
    Optional<String> served = recorded.target(t.id()).map(r -> r.result() == TargetDeployment.Result.FAILED
        || r.result() == TargetDeployment.Result.DEPLOYING || r.result() == TargetDeployment.Result.WAITING
        ? r.details().get("previousSha256") : r.sha256())
        .filter(x -> x != null && !x.isEmpty());
    if (served.filter(sha::equals).isPresent()) {
      return Optional.empty(); // in sync: looking changes nothing
    }
    Instant opens = DeployWindow.nextOpening(windows, now);
    Optional<StoredVersion> old = served.flatMap(x -> store.versions(mc.name()).stream()
        .filter(v -> v.sha256().equals(x)).findFirst());
    // Kept across the renewal that replaced it: the plan and ARI window in the state are the new version's by now.
    Optional<Instant> revoked = served.map(state.revocations()::get).filter(at -> at.isBefore(opens.plus(MARGIN)));
    boolean expires = old.map(v -> v.notAfter().isBefore(opens.plus(MARGIN))).orElse(false);
    String window = windows.get(0).toString();
    if (revoked.isPresent() || expires) {
      String why = revoked.isEmpty() ? "expires at " + old.get().notAfter() + ", before the window opens at " + opens
          : revoked.get().isAfter(now) ? "is to be revoked by " + revoked.get() + " (the CA moved its renewal window),"
              + " before the window opens at " + opens
          : "is revoked";
      events.emit(new LifecycleEvent(LifecycleEvent.Type.DEPLOY_DEFERRED, now, mc.name(), Optional.of(t.id()),
          "deploying outside the maintenance window (" + window + "): the certificate it serves " + why,
          Map.of("window", window)));
      return Optional.empty();
    }
    wake.accept(opens);
    String why = "waiting for the maintenance window (" + window + "), which opens at " + opens;
    events.emit(new LifecycleEvent(LifecycleEvent.Type.DEPLOY_DEFERRED, now, mc.name(), Optional.of(t.id()), why,
        Map.of("window", window, "opens", opens.toString())));
    return Optional.of(why);
  }
}
