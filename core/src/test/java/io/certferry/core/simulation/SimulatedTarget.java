package io.certferry.core.simulation;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A place a certificate is served, on world time, that records what it served when. It can be told to
 * answer 5xx for a period (every call fails), to hang (a deploy blocks until the engine gives up and
 * interrupts it), or to lie (a deploy reports success and changes nothing; {@link #deployedFingerprint()}
 * still tells the truth, so verification can catch it). It survives agent restarts: it is the world.
 */
final class SimulatedTarget implements DeployTarget {
  /** What the target served from an instant on (null: nothing yet). */
  record Served(Instant from, String sha256) {}

  private final String id;
  private final Clock world;
  private final List<Period> failing = new CopyOnWriteArrayList<>();
  private final List<Period> hanging = new CopyOnWriteArrayList<>();
  private final List<Period> lying = new CopyOnWriteArrayList<>();
  private final List<Served> timeline = new ArrayList<>();
  private final List<Instant> deploys = new ArrayList<>();
  private String serving;

  SimulatedTarget(String id, Clock world) {
    this.id = id;
    this.world = world;
  }

  void failDuring(Period p) { failing.add(p); }

  void hangDuring(Period p) { hanging.add(p); }

  void lieDuring(Period p) { lying.add(p); }

  @Override
  public String id() { return id; }

  @Override
  public synchronized Optional<String> deployedFingerprint() throws DeployException {
    if (in(failing)) {
      throw unavailable();
    }
    return Optional.ofNullable(serving);
  }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    Instant now = world.instant();
    synchronized (this) {
      deploys.add(now);
      if (in(failing)) {
        throw unavailable();
      }
    }
    if (in(hanging)) {
      hang();
    }
    synchronized (this) {
      if (!in(lying)) {
        serving = bundle.sha256();
        timeline.add(new Served(now, serving));
      }
    }
    return DeployReceipt.changed(id, bundle.sha256(), now, "uploaded " + bundle.sha256());
  }

  /** Blocks until the engine gives up on this target (its timeout is measured in real time) and interrupts it. */
  private void hang() throws DeployException {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new DeployException("target " + id + " did not answer (simulated hang), interrupted");
  }

  private DeployException unavailable() {
    return new DeployException("target " + id + " answered 503 Service Unavailable (simulated)", true, null, null);
  }

  private boolean in(List<Period> periods) {
    Instant now = world.instant();
    return periods.stream().anyMatch(p -> p.contains(now));
  }

  /** Every change of what it served, in order. */
  synchronized List<Served> timeline() { return List.copyOf(timeline); }

  /** When a deploy was asked for, successful or not. */
  synchronized List<Instant> deploys() { return List.copyOf(deploys); }

  synchronized Optional<String> serving() { return Optional.ofNullable(serving); }

  /**
   * The periods up to {@code end} during which it served a certificate that was expired or revoked then.
   * Before its first deploy it serves nothing, which is not counted here.
   */
  synchronized List<Period> harmful(Ledger ledger, Instant end) {
    List<Period> out = new ArrayList<>();
    for (int i = 0; i < timeline.size(); i++) {
      Served s = timeline.get(i);
      Instant until = i + 1 < timeline.size() ? timeline.get(i + 1).from() : end;
      Ledger.Cert cert = ledger.bySha(s.sha256()).orElseThrow();
      Instant bad = ledger.badFrom(cert);
      if (bad.isBefore(until)) {
        out.add(new Period(bad.isAfter(s.from()) ? bad : s.from(), until));
      }
    }
    return out;
  }

  @Override
  public String toString() { return "SimulatedTarget{" + id + "}"; }
}
