package io.certferry.agent.run;

import io.certferry.core.CertificateStatus;
import io.certferry.core.WatchedEndpoint;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The agent's status page at {@code /}: one self-contained HTML document (styles inline, no script, no external
 * asset, so it works offline and in a text browser) that refreshes itself every minute. It shows each certificate
 * (days left, state, issuer, next renewal and why), each target (what it serves, fingerprint and expiry, the last
 * deploy and its result), a 90-day {@link Timeline} and the recent events. It is built from the engine's statuses
 * and events, which never hold a key or a token; every value is HTML-escaped.
 */
final class StatusPage {
  static final int REFRESH_SECONDS = 60;
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
  private static final String STYLE = String.join("",
      "body{font:15px/1.4 system-ui,sans-serif;margin:1.5em;color:#1d2330;background:#fafbfc}",
      "h1{font-size:1.5em;margin:0}h2{font-size:1.15em;margin:1.6em 0 .5em}",
      "table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35em .6em;",
      "border-bottom:1px solid #e3e6ea;vertical-align:top}th{font-size:.85em;color:#5a6270}",
      "code{font-size:.85em}.badge{display:inline-block;white-space:nowrap;padding:0 .5em;border-radius:.8em;font-size:.85em;",
      "font-weight:600}.state-valid,.state-in-sync{background:#d7f5de;color:#135c26}",
      ".state-renewal-due,.state-stale{background:#fff0c2;color:#6b4e00}.state-expiring{background:#ffdcc2;color:#7a3300}",
      ".state-expired,.state-failed{background:#ffd6d6;color:#8a1010}.state-missing,.state-pending{background:#e8eaee;color:#444}",
      ".state-waiting{background:#dbe8ff;color:#1d3f80}.watched{background:#ece3ff;color:#4b2a8a}",
      ".muted{color:#6b7280}.error{color:#8a1010}",
      "svg{width:100%;height:auto;background:#fff;border:1px solid #e3e6ea}svg text{font:11px system-ui,sans-serif;fill:#1d2330}",
      "rect.validity{fill:#8fd19e}rect.state-renewal-due{fill:#f5d76e}rect.state-expiring{fill:#f5a96e}",
      "rect.state-expired{fill:#f08a8a}circle.renewal{fill:#2459c7}circle.renewal.due{fill:#c72424}",
      "line.expiry{stroke:#c72424;stroke-width:2}line.now{stroke:#1d2330;stroke-dasharray:3 3}line.month{stroke:#e3e6ea}",
      "ol.events{list-style:none;padding:0}ol.events li{padding:.2em 0;border-bottom:1px solid #eef0f3}",
      ".sev-ERROR,.sev-CRITICAL{color:#8a1010}.sev-WARNING{color:#7a5200}");

  private StatusPage() {}

  /** The page for these statuses (soonest-expiring first), the store's versions (for what targets serve) and events. */
  static String render(List<CertificateStatus> all, CertificateStore store, List<LifecycleEvent> events,
                       Optional<Instant> lastPass, Instant now) {
    long attention = all.stream().filter(c -> !c.good()).count();
    StringBuilder b = new StringBuilder(8192);
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Certferry status</title><style>").append(STYLE).append("</style></head><body>");
    b.append("<header><h1>Certferry status</h1><p class=\"muted\" id=\"summary\">As of ").append(when(now))
        .append(" · last pass ").append(lastPass.map(StatusPage::when).orElse("not finished yet")).append(" · ")
        .append(all.size()).append(" certificate(s), ").append(attention == 0 ? "all good" : attention + " need attention")
        .append(" · refreshes every ").append(REFRESH_SECONDS).append(" s</p></header>");
    certificates(b, all);
    targets(b, all, store);
    b.append("<section id=\"timeline\"><h2>Next 90 days</h2>").append(Timeline.svg(all, now))
        .append("<p class=\"muted\">Bars: validity. Dots: planned renewal (red: due now). Red lines: expiry.</p></section>");
    events(b, events);
    b.append("<footer class=\"muted\"><p>Certferry agent · <a href=\"/status\">/status</a> (JSON) · ")
        .append("<a href=\"/metrics\">/metrics</a></p></footer></body></html>\n");
    return b.toString();
  }

  private static void certificates(StringBuilder b, List<CertificateStatus> all) {
    b.append("<section id=\"certificates\"><h2>Certificates</h2><table><thead><tr><th>Certificate</th><th>State</th>")
        .append("<th>Days left</th><th>Expires</th><th>Issuer</th><th>Next renewal</th><th>Why</th></tr></thead><tbody>");
    for (CertificateStatus c : all) {
      boolean watched = WatchedEndpoint.SOURCE.equals(c.source());
      Optional<StoredVersion> v = c.current();
      b.append("<tr class=\"cert\" data-name=\"").append(escape(c.name())).append("\" data-state=\"").append(escape(c.state()))
          .append("\" data-source=\"").append(escape(String.valueOf(c.source()))).append("\"><td><strong>")
          .append(escape(c.name())).append("</strong>").append(watched ? " <span class=\"badge watched\">watched</span>" : "")
          .append("<br><span class=\"muted\">").append(escape(String.join(", ", c.domains()))).append("</span></td>")
          .append("<td><span class=\"badge state-").append(escape(c.state())).append("\">").append(escape(c.state()))
          .append("</span></td><td class=\"days-left\">").append(c.daysLeft().map(String::valueOf).orElse("-"))
          .append("</td><td>").append(v.map(x -> when(x.notAfter())).orElse("-")).append("</td><td>")
          .append(v.map(x -> escape(commonName(x.issuer()))).orElse("-")).append("</td><td>")
          .append(c.renewAt().map(StatusPage::when).orElse("-")).append("</td><td>")
          .append(escape(c.renewReason().orElse(""))).append(c.error().map(e -> "<br><span class=\"error\">"
              + escape(e) + "</span>").orElse("")).append("</td></tr>");
    }
    b.append("</tbody></table></section>");
  }

  private static void targets(StringBuilder b, List<CertificateStatus> all, CertificateStore store) {
    b.append("<section id=\"targets\"><h2>Targets</h2><table><thead><tr><th>Certificate</th><th>Target</th><th>State</th>")
        .append("<th>Serves</th><th>Its expiry</th><th>Last deploy</th><th>Result</th></tr></thead><tbody>");
    for (CertificateStatus c : all) {
      if (c.targets().isEmpty()) {
        continue;
      }
      Map<String, StoredVersion> bySha = store.versions(c.name()).stream()
          .collect(Collectors.toMap(StoredVersion::sha256, Function.identity(), (a, x) -> x));
      Deployments records = store.deployments(c.name());
      for (CertificateStatus.TargetStatus t : c.targets()) {
        // A failed deploy's fingerprint is the version it tried; the target still serves what it held before.
        Optional<String> sha = records.target(t.id()).flatMap(TargetDeployment::served);
        Optional<StoredVersion> served = sha.map(bySha::get);
        String result = t.lastError().map(e -> "<span class=\"error\">" + escape(e) + "</span>")
            .orElse(t.state().equals(CertificateStatus.TargetStatus.IN_SYNC) ? "verified" : "")
            + t.nextAttempt().map(n -> "<br><span class=\"muted\">next try " + when(n) + "</span>").orElse("")
            + (t.frontends().isEmpty() ? "" : "<br><span class=\"muted\">frontends: " + escape(String.join(", ",
                t.frontends())) + "</span>");
        b.append("<tr class=\"target\" data-certificate=\"").append(escape(c.name())).append("\" data-target=\"")
            .append(escape(t.id())).append("\" data-state=\"").append(escape(t.state())).append("\"><td>")
            .append(escape(c.name())).append("</td><td>").append(escape(t.id())).append("</td><td><span class=\"badge state-")
            .append(escape(t.state())).append("\">").append(escape(t.state())).append("</span></td><td>")
            .append(sha.map(s -> "<code title=\"" + escape(s) + "\">" + escape(s.substring(0, Math.min(16, s.length())))
                + "…</code>" + served.map(v -> " (version " + v.number() + ")").orElse("")).orElse("nothing known"))
            .append("</td><td>").append(served.map(v -> when(v.notAfter())).orElse("-")).append("</td><td>")
            .append(t.at().map(StatusPage::when).orElse("never")).append("</td><td>").append(result).append("</td></tr>");
      }
    }
    b.append("</tbody></table></section>");
  }

  private static void events(StringBuilder b, List<LifecycleEvent> events) {
    b.append("<section id=\"events\"><h2>Recent events</h2>");
    if (events.isEmpty()) {
      b.append("<p class=\"muted\">None since the agent started.</p>");
    } else {
      b.append("<ol class=\"events\">");
      for (LifecycleEvent e : events) {
        b.append("<li class=\"event sev-").append(e.type().severity()).append("\" data-type=\"").append(e.type())
            .append("\"><time>").append(when(e.at())).append("</time> <strong>").append(e.type()).append("</strong> ")
            .append(escape(e.certificate())).append(e.target().map(t -> " → " + escape(t)).orElse("")).append(": ")
            .append(escape(e.message())).append("</li>");
      }
      b.append("</ol>");
    }
    b.append("</section>");
  }

  /** The CN of a distinguished name, or the name itself. */
  static String commonName(String dn) {
    for (String part : dn.split(",")) {
      String p = part.trim();
      if (p.regionMatches(true, 0, "CN=", 0, 3)) {
        return p.substring(3);
      }
    }
    return dn;
  }

  static String when(Instant t) { return "<time datetime=\"" + t + "\">" + WHEN.format(t) + "</time>"; }

  /** Text made safe for HTML content and attribute values. */
  static String escape(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
