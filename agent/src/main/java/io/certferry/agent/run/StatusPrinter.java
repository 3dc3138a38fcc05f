package io.certferry.agent.run;

import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.WatchedEndpoint;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The table {@code run --once} prints: one line per certificate, one indented line per target, and who holds a
 * certificate this pass left to another agent or process.
 */
final class StatusPrinter {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private StatusPrinter() {}

  static void print(ReconcileReport report, PrintWriter out) {
    out.printf("%-24s %-12s %-17s %5s  %s%n", "CERTIFICATE", "STATE", "EXPIRES (UTC)", "DAYS", "TARGETS");
    for (CertificateStatus c : report.certificates()) {
      long inSync = c.targets().stream().filter(t -> t.state().equals("in-sync")).count();
      String expires = c.current().map(v -> DAY.format(v.notAfter())).orElse("-");
      String days = c.daysLeft().map(d -> Long.toString(d)).orElse("-");
      String targets = WatchedEndpoint.SOURCE.equals(c.source()) ? "watched, not managed"
          : inSync + "/" + c.targets().size() + " in sync";
      out.printf("%-24s %-12s %-17s %5s  %s%s%n", cut(c.name(), 24), c.state(), expires, days, targets,
          c.renewedNow() ? ", new version " + c.current().map(v -> v.number()).orElse(0) : "");
      c.error().ifPresent(e -> out.printf("  ! %s%n", e));
      String holder = report.heldElsewhere().get(c.name());
      if (holder != null) {
        out.printf("  = held by %s: left to it, shown as stored%n", holder);
      }
      for (CertificateStatus.TargetStatus t : c.targets()) {
        out.printf("  -> %-20s %-8s%s%n", cut(t.id(), 20), t.state(),
            t.lastError().filter(x -> !t.state().equals("in-sync")).map(e -> "  " + e
                + t.nextAttempt().map(n -> " (next try " + DAY.format(n) + ")").orElse("")).orElse(""));
      }
    }
    out.printf("%s%n", report.allGood() ? "All certificates valid, all targets in sync."
        : "Some certificates or targets need attention (see above).");
    out.flush();
  }

  static String cut(String s, int width) { return s.length() <= width ? s : s.substring(0, width - 1) + "~"; }
}
