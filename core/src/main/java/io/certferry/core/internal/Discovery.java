package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.TargetDiscovery;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Discoverable;
import io.certferry.core.deploy.ServedCertificate;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * {@code CertManager.discover()}: every target of every certificate asked, in parallel, what it serves, each
 * certificate found matched against the lineage's stored versions. Reads only. Not API.
 */
public final class Discovery {
  private Discovery() {}

  public static List<TargetDiscovery> run(CertificateStore store, List<ManagedCertificate> all, ExecutorService executor)
      throws InterruptedException {
    List<Future<TargetDiscovery>> futures = new ArrayList<>();
    for (ManagedCertificate mc : all) {
      for (DeployTarget t : mc.targets()) {
        futures.add(executor.submit(() -> one(store, mc.name(), t)));
      }
    }
    List<TargetDiscovery> out = new ArrayList<>();
    for (Future<TargetDiscovery> f : futures) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("discovery failed unexpectedly: " + e.getCause(), e.getCause());
      }
    }
    return out;
  }

  private static TargetDiscovery one(CertificateStore store, String name, DeployTarget t) {
    if (!(t instanceof Discoverable d)) {
      return new TargetDiscovery(name, t.id(), false, List.of(), Optional.of("this kind of target cannot tell what it "
          + "serves (" + t.getClass().getSimpleName() + ")"));
    }
    try {
      List<StoredVersion> versions = store.versions(name);
      Optional<StoredVersion> current = store.current(name);
      List<TargetDiscovery.Found> found = new ArrayList<>();
      for (ServedCertificate c : d.discover()) {
        Optional<StoredVersion> v = versions.stream().filter(c::is).reduce((a, b) -> b);
        found.add(new TargetDiscovery.Found(c, v, v.isPresent() && current.map(x -> x.number() == v.get().number())
            .orElse(false)));
      }
      return new TargetDiscovery(name, t.id(), true, found, Optional.empty());
    } catch (DeployException | RuntimeException e) {
      return new TargetDiscovery(name, t.id(), true, List.of(), Optional.of(e.getMessage()));
    }
  }
}
