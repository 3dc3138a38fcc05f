package io.certferry.core.internal;

import io.certferry.core.CertificateStatus.TargetStatus;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.DeployPlan;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target step of a certificate's pass: every target whose maintenance window allows it is brought to the
 * current version by the {@link Deployer}; in a dry run each is only asked what it serves, and the plan says what
 * the deployer would do. Not API.
 */
final class TargetStep {
  private static final Logger LOG = LoggerFactory.getLogger(TargetStep.class);

  private final CertificateStore store;
  private final Clock clock;
  private final Deployer deployer;
  private final DeployGate gate;

  TargetStep(CertificateStore store, Clock clock, Deployer deployer, DeployGate gate) {
    this.store = store;
    this.clock = clock;
    this.deployer = deployer;
    this.gate = gate;
  }

  /** Deploys (or, {@code dry}, plans) and returns every target's status, in the certificate's order. */
  List<TargetStatus> run(PassStep s, boolean dry) throws InterruptedException {
    ManagedCertificate mc = s.mc;
    if (mc.targets().isEmpty()) {
      s.state = s.state.retainRevocations(s.current.map(v -> Set.of(v.sha256())).orElse(Set.of()));
      return List.of();
    }
    Deployments recorded = store.deployments(mc.name());
    s.state = s.state.retainRevocations(mayServe(recorded, s.current));
    String sha = s.current.map(v -> v.sha256()).orElse(null);
    if (sha == null && !dry) {
      return mc.targets().stream().map(t -> StatusReader.target(t.id(), recorded.target(t.id()), null)).toList();
    }
    Map<String, TargetStatus> waiting = new LinkedHashMap<>();
    List<DeployTarget> now = new ArrayList<>();
    for (DeployTarget t : mc.targets()) {
      List<Instant> opens = new ArrayList<>(1);
      Optional<String> wait = sha == null ? Optional.empty() : gate.wait(mc, s.state, t, recorded, sha, opens::add);
      if (wait.isPresent()) {
        s.wake.addAll(opens);
        TargetStatus had = StatusReader.target(t.id(), recorded.target(t.id()), sha);
        waiting.put(t.id(), new TargetStatus(t.id(), TargetStatus.WAITING, had.sha256(), had.at(), had.attempts(),
            opens.stream().findFirst(), wait, had.frontends()));
      } else {
        now.add(t);
      }
    }
    if (dry) {
      for (DeployTarget t : mc.targets()) {
        s.targetPlans.add(waiting.containsKey(t.id()) ? new DeployPlan(t.id(), DeployPlan.Step.WAIT,
            waiting.get(t.id()).lastError().orElse("waiting for its window")) : plan(s, t, sha));
      }
      return mc.targets().stream().map(t -> waiting.containsKey(t.id()) ? waiting.get(t.id())
          : StatusReader.target(t.id(), recorded.target(t.id()), sha)).toList();
    }
    try {
      Map<String, TargetStatus> done = new LinkedHashMap<>();
      if (!now.isEmpty()) {
        DeployOutcome outcome = deployer.deploy(mc.name(), s.current.get(), recorded, now);
        outcome.nextRetry().ifPresent(s.wake::add);
        outcome.targets().forEach(t -> done.put(t.targetId(), StatusReader.target(t.targetId(), Optional.of(t.record()), sha)));
      }
      return mc.targets().stream().map(t -> done.containsKey(t.id()) ? done.get(t.id()) : waiting.get(t.id())).toList();
    } catch (RuntimeException e) {
      LOG.debug("deploying {} failed", mc.name(), e);
      s.fail("cannot deploy: " + e.getMessage());
      s.wake.add(clock.instant().plus(Duration.ofMinutes(1)));
      Deployments d = store.deployments(mc.name());
      return mc.targets().stream().map(DeployTarget::id).map(id -> StatusReader.target(id, d.target(id), sha)).toList();
    }
  }

  /** Every version a record says a target holds, or held before a failed or unfinished deploy, and the current one. */
  private static Set<String> mayServe(Deployments recorded, Optional<StoredVersion> current) {
    Set<String> out = new HashSet<>();
    current.ifPresent(v -> out.add(v.sha256()));
    for (TargetDeployment r : recorded.targets().values()) {
      out.add(r.sha256());
      out.add(r.details().getOrDefault("previousSha256", ""));
    }
    return out;
  }

  /** What the deployer would do to one target now: the new version after an order, else its own rule. */
  private DeployPlan plan(PassStep s, DeployTarget t, String sha) {
    if (s.ordering()) {
      return new DeployPlan(t.id(), DeployPlan.Step.DEPLOY, "gets the " + (sha == null ? "first" : "new")
          + " version once it is issued");
    }
    if (sha == null) {
      return new DeployPlan(t.id(), DeployPlan.Step.NONE, "nothing to deploy: there is no version yet");
    }
    try {
      return deployer.plan(s.mc.name(), s.current.get(), t);
    } catch (RuntimeException e) {
      return new DeployPlan(t.id(), DeployPlan.Step.DEPLOY, "cannot tell what it serves (" + e.getMessage() + ")");
    }
  }
}
