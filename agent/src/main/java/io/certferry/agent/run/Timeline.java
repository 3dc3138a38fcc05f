package io.certferry.agent.run;

import io.certferry.core.CertificateStatus;
import io.certferry.core.store.StoredVersion;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * The status page's timeline: an inline SVG of the next 90 days, one row per certificate: its validity as a
 * bar, its planned renewal (or, for a watched one, the point by which its owner should replace it) as a mark,
 * its expiry as a line, the month boundaries as a grid. Readable without script; every mark has a title.
 */
final class Timeline {
  static final Duration SPAN = Duration.ofDays(90);
  private static final int WIDTH = 1000;
  private static final int LABELS = 200;
  private static final int ROW = 26;
  private static final int TOP = 24;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("MMM d", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  private Timeline() {}

  static String svg(List<CertificateStatus> all, Instant now) {
    int height = TOP + ROW * Math.max(1, all.size()) + 6;
    StringBuilder b = new StringBuilder();
    b.append("<svg id=\"timeline-svg\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").append(WIDTH).append(' ')
        .append(height).append("\" role=\"img\" aria-label=\"Validity and planned renewals over the next 90 days\">");
    grid(b, now, height);
    for (int i = 0; i < all.size(); i++) {
      row(b, all.get(i), now, TOP + i * ROW);
    }
    b.append(line("now", x(now, now), TOP - 6, height, "now: " + now));
    b.append("</svg>");
    return b.toString();
  }

  private static void grid(StringBuilder b, Instant now, int height) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1);
    Instant end = now.plus(SPAN);
    for (Instant t = day.atStartOfDay(ZoneOffset.UTC).toInstant(); t.isBefore(end);
         day = day.plusMonths(1), t = day.atStartOfDay(ZoneOffset.UTC).toInstant()) {
      double x = x(t, now);
      b.append("<line class=\"month\" x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x))
          .append("\" y1=\"").append(TOP - 8).append("\" y2=\"").append(height).append("\"/>");
      b.append("<text class=\"month-label\" x=\"").append(fmt(x + 3)).append("\" y=\"12\">")
          .append(StatusPage.escape(DAY.format(t))).append("</text>");
    }
  }

  private static void row(StringBuilder b, CertificateStatus c, Instant now, int y) {
    String name = StatusPage.escape(c.name());
    b.append("<g class=\"row\" data-name=\"").append(name).append("\" data-state=\"").append(StatusPage.escape(c.state()))
        .append("\">");
    b.append("<text class=\"row-label\" x=\"4\" y=\"").append(y + 15).append("\">").append(name).append("</text>");
    if (c.current().isPresent()) {
      StoredVersion v = c.current().get();
      Instant from = v.notBefore().isAfter(now) ? v.notBefore() : now;
      Instant to = v.notAfter().isBefore(now.plus(SPAN)) ? v.notAfter() : now.plus(SPAN);
      if (to.isAfter(from)) {
        double x1 = x(from, now);
        b.append("<rect class=\"validity state-").append(StatusPage.escape(c.state())).append("\" x=\"").append(fmt(x1))
            .append("\" y=\"").append(y + 4).append("\" width=\"").append(fmt(x(to, now) - x1)).append("\" height=\"")
            .append(ROW - 10).append("\"><title>").append(name).append(" valid until ").append(v.notAfter())
            .append("</title></rect>");
      }
      if (v.notAfter().isBefore(now.plus(SPAN)) && v.notAfter().isAfter(now)) {
        b.append(line("expiry", x(v.notAfter(), now), y + 1, y + ROW - 3, name + " expires " + v.notAfter()));
      }
    }
    // An expired certificate is past renewing: its row shows no bar and no mark, only its state.
    c.renewAt().filter(r -> r.isBefore(now.plus(SPAN)) && !c.state().equals("expired")).ifPresent(r -> {
      boolean due = !r.isAfter(now);
      double x = x(due ? now : r, now);
      String what = c.source() != null && c.source().equals("watched") ? " should be replaced by its owner by "
          : due ? " is due for renewal since " : " renews at ";
      b.append("<circle class=\"renewal").append(due ? " due" : "").append("\" cx=\"").append(fmt(x)).append("\" cy=\"")
          .append(y + ROW / 2 - 1).append("\" r=\"5\"><title>").append(name).append(what).append(r)
          .append("</title></circle>");
    });
    b.append("</g>");
  }

  private static String line(String cls, double x, int y1, int y2, String title) {
    return "<line class=\"" + cls + "\" x1=\"" + fmt(x) + "\" x2=\"" + fmt(x) + "\" y1=\"" + y1 + "\" y2=\"" + y2
        + "\"><title>" + StatusPage.escape(title) + "</title></line>";
  }

  private static double x(Instant t, Instant now) {
    double f = (double) Duration.between(now, t).toSeconds() / SPAN.toSeconds();
    return LABELS + Math.max(0, Math.min(1, f)) * (WIDTH - LABELS - 10);
  }

  private static String fmt(double v) { return String.format(Locale.ROOT, "%.1f", v); }
}
