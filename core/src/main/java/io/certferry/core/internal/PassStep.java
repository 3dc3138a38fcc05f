package io.certferry.core.internal;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.deploy.DeployPlan;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the steps of one certificate's pass hand on to each other; in a dry run, what each would do. Not API. */
final class PassStep {
  final ManagedCertificate mc;
  LineageState state;
  Optional<StoredVersion> current;
  Optional<RenewalDecision> decision = Optional.empty();
  Optional<RenewalInfoSource> ari;
  Optional<String> error = Optional.empty();
  boolean renewed;
  final List<Instant> wake = new ArrayList<>();
  List<LifecycleEvent> alerts = List.of();
  /** A dry run's answer for the version: what an apply pass would do, and why. */
  ReconcilePlan.Action action;
  String why;
  /** A dry run's answer for each target. */
  final List<DeployPlan> targetPlans = new ArrayList<>();

  PassStep(ManagedCertificate mc, LineageState state, Optional<StoredVersion> current) {
    this.mc = mc;
    this.state = state;
    this.current = current;
  }

  void fail(String message) {
    error = Optional.of(error.map(e -> e + "; ").orElse("") + message);
  }

  /** Records what a dry run found the version step would do (the first answer holds). */
  void would(ReconcilePlan.Action a, String reason) {
    if (action == null) {
      action = a;
      why = reason;
    }
  }

  /** Whether this pass orders (or, in a dry run, would order) a new version. */
  boolean ordering() { return action == ReconcilePlan.Action.ISSUE || action == ReconcilePlan.Action.RENEW; }
}
