package io.certferry.core.internal;

import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcilePlan;
import io.certferry.core.issue.Issuer;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.store.LineageState;
import io.certferry.core.x509.CertificateChecks;

/** A dry run's words: why a pass would order, or why it would leave the version alone. Not API. */
final class DryRunNotes {
  private DryRunNotes() {}

  /** Why a pass would order a version now, and from which CA. */
  static String whyOrder(PassStep s, boolean missing, boolean force, Issuer issuer) {
    String from = "; would order from " + issuer.id();
    if (s.current.isEmpty()) {
      return "no certificate stored yet" + from;
    }
    if (missing) {
      return "the stored version " + s.current.get().number() + " does not cover "
          + String.join(", ", CertificateChecks.uncovered(s.current.get().domains(), s.mc.domains())) + from;
    }
    if (force) {
      return "forced" + from;
    }
    return s.decision.map(d -> "due since " + d.renewAt() + " (" + d.reason() + ")").orElse("due") + from
        + (s.state.issuerIndex() > 0 ? " (a fallback: the first CA keeps failing)" : "");
  }

  /** The plan of one certificate from what its dry pass found. */
  static ReconcilePlan.CertificatePlan plan(PassStep s, LineageState.Plan plan, CertificateStatus status) {
    ReconcilePlan.Action action = s.action == null ? ReconcilePlan.Action.NONE : s.action;
    String why = s.why;
    if (why == null) {
      why = s.error.map(e -> "nothing can be decided: " + e)
          .orElse(plan == null ? "nothing to do" : "not due: renews at " + plan.renewAt() + " (" + plan.reason() + ")"
              + s.decision.flatMap(RenewalDecision::hold).map(h -> "; " + h).orElse(""));
    }
    return new ReconcilePlan.CertificatePlan(s.mc.name(), action, why, s.targetPlans,
        s.alerts.stream().map(LifecycleEvent::message).toList(), status);
  }
}
