package io.certferry.core.simulation;

import io.certferry.core.notify.LifecycleEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The results of the simulated year as a markdown table, one row per scenario and profile. */
final class ResultsTable {
  private ResultsTable() {}

  static String markdown(List<RunResult> results, Duration wall, Duration cpu) {
    StringBuilder b = new StringBuilder();
    b.append("| # | Scenario | Profile | Harmful minutes | Orders / fewest | Retries | CA requests/day max, mean"
        + " | Busiest vs LE limits | Deploys | Alerts | Warned before harm | Passes | Notes | Wall time |\n");
    b.append("|---|---|---|--:|--:|--:|--:|--:|--:|---|---|--:|---|--:|\n");
    String last = null;
    for (RunResult r : results) {
      boolean first = !r.scenario().id().equals(last);
      last = r.scenario().id();
      b.append("| ").append(first ? r.scenario().id() : "").append(" | ").append(first ? r.scenario().title() : "")
          .append(" | ").append(row(r)).append(" | ").append(seconds(r.wallTime())).append(" |\n");
    }
    b.append("\nAll ").append(results.size()).append(" runs: ").append(seconds(wall)).append(" wall time, ")
        .append(seconds(cpu)).append(" CPU time (all threads of the test JVM).\n");
    List<String> why = new ArrayList<>();
    for (RunResult r : results) {
      r.unavoidable().ifPresent(u -> why.add("- " + r.scenario().id() + " " + r.profile().id() + ": " + u));
    }
    if (!why.isEmpty()) {
      b.append("\nWhere harm cannot be avoided, and why:\n").append(String.join("\n", why)).append('\n');
    }
    return b.toString();
  }

  /**
   * One row's measures without the wall time, as a repeated run must give them again: all of them, except the
   * deploys of a run whose agent died mid-pass (which targets a process dying in the middle of a parallel fan-out
   * had reached depends on its threads; the next process deploys the rest either way).
   */
  static String repeatable(RunResult r) {
    String row = row(r);
    if (r.life().crashes().isEmpty()) {
      return row;
    }
    String[] cells = row.split(" \\| ", -1);
    cells[DEPLOYS_CELL] = "?";
    return String.join(" | ", cells);
  }

  /** The deploys' place in {@link #row}. */
  private static final int DEPLOYS_CELL = 6;

  /** One row's measures, without the scenario and the wall time. */
  static String row(RunResult r) {
    LetsEncryptLimits.Peaks p = r.peaks();
    return r.profile().id()
        + " | " + r.harmfulMinutes() + (r.unavoidable().isPresent() ? " (unavoidable)" : "")
        + " | " + r.orders().orders() + " / " + r.fewestOrders()
        + " | " + r.orders().retries()
        + " | " + r.requestsMaxPerDay() + ", " + String.format(Locale.ROOT, "%.1f", r.requestsMeanPerDay())
        + " | " + p.newOrders() + "/" + LetsEncryptLimits.NEW_ORDERS
        + ", " + p.sameNames() + "/" + LetsEncryptLimits.DUPLICATE_CERTIFICATES
        + ", " + p.failedValidations() + "/" + LetsEncryptLimits.FAILED_VALIDATIONS
        + " | " + r.deploys()
        + " | " + alerts(r.alerts())
        + " | " + warned(r)
        + " | " + r.passes()
        + " | " + notes(r);
  }

  private static String alerts(Map<LifecycleEvent.Type, Long> byType) {
    long total = byType.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    byType.forEach((t, n) -> parts.add(n + " " + t.name().toLowerCase(Locale.ROOT).replace('_', '-')));
    return total + ": " + String.join(", ", parts);
  }

  private static String warned(RunResult r) {
    if (r.firstHarm() == null) {
      return "no harm";
    }
    if (!r.warnedBeforeHarm()) {
      return "**no**";
    }
    return "yes, " + hours(Duration.between(r.firstAlert(), r.firstHarm())) + " before";
  }

  private static String notes(RunResult r) {
    List<String> out = new ArrayList<>();
    RunResult.Life life = r.life();
    if (life.fallbackCertificates() > 0) {
      out.add(life.fallbackCertificates() + " from the fallback CA");
    }
    if (life.restarts() > 0 || !life.crashes().isEmpty()) {
      out.add(life.restarts() + " restarts, " + life.crashes().size() + " deaths mid-pass");
    }
    if (life.outsideWindow() > 0) {
      out.add(life.outsideWindow() + " deploys outside the window, " + life.outsideAnnounced() + " with the reason");
    }
    Optional.ofNullable(r.firstHarm()).ifPresent(h -> out.add("first harm " + day(h)));
    return String.join("; ", out);
  }

  private static String seconds(Duration d) { return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0); }

  private static String hours(Duration d) { return d.toHours() >= 48 ? d.toDays() + " d" : d.toHours() + " h"; }

  private static String day(Instant t) { return "day " + Duration.between(World.START, t).toDays(); }
}
