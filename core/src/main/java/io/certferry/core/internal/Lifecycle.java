package io.certferry.core.internal;

import io.certferry.core.CertManager;
import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.Revoker;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalSource;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.CertificateChecks;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The engine's operations on one lineage outside a pass: importing a version, revoking one. Not API. */
public final class Lifecycle {
  private Lifecycle() {}

  /** {@link CertManager#importVersion}: under the lineage's lock; the plan of the new version recorded. */
  public static CertManager.Imported importVersion(CertificateStore store, Clock clock, Events events, String name,
                                                   CertificateBundle bundle, Map<String, String> details)
      throws InputRejectedException {
    try (CertificateStore.Lock lock = store.lock(name)) {
      Optional<StoredVersion> current = store.current(name);
      if (current.isPresent() && current.get().sha256().equals(bundle.sha256())) {
        return new CertManager.Imported(current.get(), false);
      }
      Optional<LineageSpec> spec = store.spec(name);
      if (spec.isPresent()) {
        try {
          CertificateChecks.requireCovers(bundle, spec.get().domains());
        } catch (InputRejectedException e) {
          throw new InputRejectedException(e.getMessage() + " (lineage '" + name + "' expects "
              + String.join(", ", spec.get().domains()) + ")");
        }
      }
      StoredVersion v = store.addVersion(name, bundle, "imported", details);
      if (spec.isEmpty()) {
        store.saveSpec(new LineageSpec(name, bundle.names(), "imported", v.keyType(), Map.of(), List.of()));
      }
      Instant now = clock.instant();
      LineageState s = store.state(name).afterIssuance();
      store.saveState(name, s.withPlan(StatusReader.planFor(store, name, v, s, now)));
      events.emit(new LifecycleEvent(LifecycleEvent.Type.IMPORTED, now, name, Optional.empty(),
          "imported version " + v.number() + " (" + v.issuer() + "), valid until " + v.notAfter() + ", sha256 " + v.sha256(),
          Map.of("source", "imported", "sha256", v.sha256(), "version", Integer.toString(v.number()))));
      return new CertManager.Imported(v, true);
    }
  }

  /** {@link CertManager#revoke}: at the issuer that can, then planned for renewal at once. */
  public static StoredVersion revoke(CertificateStore store, Clock clock, Events events, String name,
                                     Optional<Issuer> issuer, String reason) throws InputRejectedException, IssueException {
    try (CertificateStore.Lock lock = store.lock(name)) {
      StoredVersion v = store.current(name).orElseThrow(() -> new InputRejectedException(
          "lineage '" + name + "' has no certificate to revoke"));
      if (issuer.isEmpty() || !(issuer.get() instanceof Revoker revoker) || !issuer.get().source().equals(v.source())) {
        throw new InputRejectedException("lineage '" + name + "' version " + v.number() + " is " + v.source()
            + (issuer.isPresent() ? "" : " with no issuer") + "; only certificates from an ACME CA can be revoked here;"
            + " revoke a bought certificate where it was bought");
      }
      revoker.revoke(store.load(name, v.number()), reason);
      Instant now = clock.instant();
      store.saveState(name, store.state(name).withPlan(new LineageState.Plan(v.sha256(), now, RenewalSource.FORCED.id(),
          "revoked (" + reason + ")")).withRevocation(v.sha256(), now).withNextDue(now));
      events.alert(new LifecycleEvent(LifecycleEvent.Type.REVOKED, now, name, Optional.empty(),
          "version " + v.number() + " (serial " + v.serial() + ") revoked, reason " + reason + "; it is renewed on the next pass",
          Map.of("sha256", v.sha256(), "version", Integer.toString(v.number()), "reason", reason)));
      return v;
    }
  }
}
