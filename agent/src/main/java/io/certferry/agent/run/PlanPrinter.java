package io.certferry.agent.run;

import io.certferry.core.ReconcilePlan;
import io.certferry.core.deploy.DeployPlan;

import java.io.PrintWriter;

/** What {@code run --once --dry-run} prints: per certificate what a pass would do and why, per target the same. */
final class PlanPrinter {
  private PlanPrinter() {}

  static void print(ReconcilePlan plan, PrintWriter out) {
    out.println("Dry run at " + plan.at() + ": nothing was ordered, uploaded, written or sent.");
    int orders = 0;
    int deploys = 0;
    for (ReconcilePlan.CertificatePlan c : plan.certificates()) {
      out.println(c.name() + ": " + verb(c.action()) + ": " + c.why());
      for (DeployPlan t : c.targets()) {
        out.printf("  -> %-20s %s: %s%n", StatusPrinter.cut(t.targetId(), 20), verb(t.step()), t.why());
        deploys += t.step() == DeployPlan.Step.DEPLOY ? 1 : 0;
      }
      c.alerts().forEach(a -> out.println("  ! would alert: " + a));
      orders += c.action() == ReconcilePlan.Action.ISSUE || c.action() == ReconcilePlan.Action.RENEW ? 1 : 0;
    }
    out.println(plan.changesSomething() ? "A pass now would place " + orders + " order(s) and " + deploys + " deploy(s)."
        : "A pass now would change nothing.");
    out.flush();
  }

  private static String verb(ReconcilePlan.Action a) {
    return switch (a) {
      case NONE -> "nothing to do";
      case ISSUE -> "would issue";
      case RENEW -> "would renew";
      case HELD -> "held";
      case CANNOT -> "cannot act";
    };
  }

  private static String verb(DeployPlan.Step s) {
    return switch (s) {
      case NONE -> "nothing to do";
      case DEPLOY -> "would deploy";
      case WAIT -> "waits";
      case BACKING_OFF -> "backing off";
    };
  }

}
