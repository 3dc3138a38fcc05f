package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.Durations;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.renew.RenewalPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What keeps a certificate valid when things go wrong: {@code fallback:} (issuers to ask, in order, when the
 * one before keeps failing; each inherits the {@code issuer:} block's settings and overrides some, a bare name
 * is {@code {server: NAME}}), {@code fallbackAfter:}, {@code windows:} (maintenance windows for its targets)
 * and {@code alerts: {levels: [...]}} (its own expiry alert levels).
 */
final class ContinuitySection {
  private final Problems problems;
  private final Values values;
  private final IssuerSection issuers;

  ContinuitySection(Problems problems, Values values, IssuerSection issuers) {
    this.problems = problems;
    this.values = values;
    this.issuers = issuers;
  }

  /** Checks the continuity settings of the certificate at {@code p}, whose issuer checked as {@code primary}. */
  AgentConfig.Continuity check(String p, JsonNode n, JsonNode issuerBlock, List<String> domains,
                               IssuerSection.Issuer primary) {
    List<ObjectNode> fallbacks = fallbacks(p, n.get("fallback"), issuerBlock, domains, primary);
    Duration after = values.duration(p + "/fallbackAfter", n.get("fallbackAfter"), Duration.ofMinutes(1),
        Duration.ofDays(365)).orElse(ManagedCertificate.DEFAULT_FALLBACK_AFTER);
    List<String> windows = windows(p + "/windows", n.get("windows"), primary);
    List<Integer> levels = levels(p + "/alerts", n.get("alerts"));
    return new AgentConfig.Continuity(fallbacks, after, windows, levels);
  }

  private List<ObjectNode> fallbacks(String p, JsonNode n, JsonNode issuerBlock, List<String> domains,
                                     IssuerSection.Issuer primary) {
    List<ObjectNode> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!primary.source().equals("acme")) {
      problems.error(p + "/fallback", "fallback needs an ACME issuer; a " + primary.source() + " issuer has nothing to fall back to");
      return out;
    }
    if (!n.isArray()) {
      problems.error(p + "/fallback", "expected a list of issuers, e.g. fallback: [zerossl] or [{server: zerossl, eab: {...}}]");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      String fp = p + "/fallback/" + i;
      ObjectNode merged = ((ObjectNode) issuerBlock).deepCopy();
      if (e.isTextual()) {
        merged.put("server", e.asText());
      } else if (e.isObject()) {
        e.fields().forEachRemaining(f -> merged.set(f.getKey(), f.getValue().deepCopy()));
        merged.put("type", "acme");
      } else {
        problems.error(fp, "expected a CA name or a mapping of the settings that differ, e.g. {server: zerossl, eab: {...}}");
        continue;
      }
      // Checked as a whole issuer; the problems of what it inherits were said at the issuer already.
      if (issuers.check(fp, merged, domains, e.isObject() && e.has("dnsProvider")).settings().isPresent()) {
        out.add(merged);
      }
    }
    return out;
  }

  private List<String> windows(String p, JsonNode n, IssuerSection.Issuer primary) {
    List<String> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      problems.error(p, "expected a list of windows, e.g. windows: [\"Sat 02:00-05:00 America/Toronto\"]");
      return out;
    }
    for (int i = 0; i < n.size(); i++) {
      values.text(p + "/" + i, n.get(i)).ifPresent(out::add);
    }
    check(p, out, primary);
    return out;
  }

  /**
   * Every window must parse, and together they must open often enough for the certificate: a window shut for
   * longer than the time between renewal and expiry would be broken at almost every renewal.
   */
  void check(String p, List<String> texts, IssuerSection.Issuer primary) {
    List<DeployWindow> parsed = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      try {
        parsed.add(DeployWindow.parse(texts.get(i)));
      } catch (IllegalArgumentException e) {
        problems.error(p + "/" + i, e.getMessage());
      }
    }
    if (parsed.isEmpty() || parsed.size() < texts.size()) {
      return;
    }
    Optional<Duration> lifetime = lifetime(primary);
    if (lifetime.isEmpty()) {
      return;
    }
    Instant start = Instant.parse("2026-01-05T00:00:00Z");
    RenewalPolicy.Rule rule = RenewalPolicy.fromOptions(primary.options()).ruleFor(start, start.plus(lifetime.get()));
    Duration margin = Duration.between(rule.at(), start.plus(lifetime.get()));
    Duration shut = parsed.size() == 1 ? parsed.get(0).longestClosed() : longestClosed(parsed);
    if (shut.compareTo(margin) >= 0) {
      problems.error(p, "these windows stay shut for up to " + Durations.format(shut) + ", but a certificate of "
          + Durations.format(lifetime.get()) + " is renewed " + Durations.format(margin) + " before it expires: almost "
          + "every new certificate would have to go out outside them; widen them, or renew earlier with renewBefore");
    }
  }

  /** The longest time none of the windows is open, found by stepping through two weeks. */
  private static Duration longestClosed(List<DeployWindow> windows) {
    Instant t = Instant.parse("2026-01-05T00:00:00Z");
    Instant end = t.plus(Duration.ofDays(14));
    Duration longest = Duration.ZERO;
    while (t.isBefore(end)) {
      Instant open = DeployWindow.nextOpening(windows, t);
      Duration gap = Duration.between(t, open);
      if (gap.compareTo(longest) > 0) {
        longest = gap;
      }
      t = open.plus(Duration.ofMinutes(1));
      Instant closes = windows.stream().filter(w -> w.isOpen(open)).map(w -> w.closes(open)).max(Instant::compareTo).orElse(t);
      t = closes.isAfter(t) ? closes : t;
    }
    return longest;
  }

  /** The lifetime the issuer's certificates will have, when the config says it. */
  private static Optional<Duration> lifetime(IssuerSection.Issuer issuer) {
    if (issuer.source().equals("local")) {
      return Optional.of(issuer.settings().flatMap(IssuerSettings::lifetime).orElse(Duration.ofDays(90)));
    }
    if (issuer.source().equals("acme")) {
      return switch (issuer.options().getOrDefault("profile", "classic")) {
        case "shortlived" -> Optional.of(Duration.ofHours(160));
        case "tlsserver" -> Optional.of(Duration.ofDays(45));
        case "classic", "default" -> Optional.of(Duration.ofDays(90));
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  private List<Integer> levels(String p, JsonNode n) {
    List<Integer> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    problems.unknownKeys(p, n, Set.of("levels"));
    JsonNode l = n.get("levels");
    if (l == null || !l.isArray() || l.isEmpty()) {
      problems.error(p + "/levels", "expected a list of days left, e.g. levels: [30, 14, 7, 3, 1]");
      return out;
    }
    for (int i = 0; i < l.size(); i++) {
      values.integer(p + "/levels/" + i, l.get(i), 1, 3650).ifPresent(out::add);
    }
    return out;
  }
}
