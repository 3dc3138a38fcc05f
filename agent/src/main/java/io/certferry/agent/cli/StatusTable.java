package io.certferry.agent.cli;

import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** The human table of {@code list}: fits 80 columns, long names and domain lists are cut with "…". */
final class StatusTable {
  static final int WIDTH = 80;
  private static final int NAME = 24;
  private static final int STATE = 11;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private StatusTable() {}

  static void print(List<LineageStatus> rows, PrintWriter out) {
    out.println(line("NAME", "DAYS", "STATE", "EXPIRES", "DOMAINS"));
    for (LineageStatus s : rows) {
      out.println(line(s.name(),
          s.daysLeft() == null ? "-" : Long.toString(s.daysLeft()),
          s.state(),
          s.notAfter() == null ? "-" : DAY.format(s.notAfter()),
          domains(s.domains())));
    }
  }

  private static String line(String name, String days, String state, String expires, String domains) {
    String head = String.format("%-" + NAME + "s %5s  %-" + STATE + "s %-10s  ", cut(name, NAME), days, state, expires);
    return head + cut(domains, WIDTH - head.length());
  }

  /** The first name, and how many more: the full list is in {@code show}. */
  private static String domains(List<String> domains) {
    if (domains.isEmpty()) {
      return "-";
    }
    return domains.get(0) + (domains.size() > 1 ? " +" + (domains.size() - 1) : "");
  }

  static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "…";
  }
}
