package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A target in memory: remembers what it serves; can be told to fail or to run a hook inside deploy. */
class FakeTarget implements DeployTarget {
  interface Hook { void run() throws Exception; }

  final String id;
  volatile String served;
  volatile boolean failing;
  volatile boolean canTell = true;
  volatile Hook duringDeploy = () -> { };
  final AtomicInteger deploys = new AtomicInteger();

  FakeTarget(String id) { this.id = id; }

  @Override
  public String id() { return id; }

  @Override
  public Optional<String> deployedFingerprint() {
    return canTell ? Optional.ofNullable(served) : Optional.empty();
  }

  @Override
  public boolean reportsWhatItServes() { return canTell; }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    deploys.incrementAndGet();
    try {
      duringDeploy.run();
    } catch (DeployException e) {
      throw e;
    } catch (Exception e) {
      throw new DeployException("hook failed: " + e, e);
    }
    if (failing) {
      throw new DeployException("target " + id + " refused the certificate (test)");
    }
    served = bundle.sha256();
    return DeployReceipt.changed(id, bundle.sha256(), Instant.now(), "fake deploy");
  }

  @Override
  public VerifyResult verify(CertificateBundle bundle) {
    return bundle.sha256().equals(served) ? VerifyResult.ok("ok")
        : VerifyResult.mismatch(bundle.sha256(), String.valueOf(served), "serves " + served);
  }
}
