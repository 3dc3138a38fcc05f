package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertManager;
import io.certferry.core.CertificateState;
import io.certferry.core.TargetDiscovery;
import io.certferry.core.deploy.ServedCertificate;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry discover --config F [--json]}: asks every configured target what it serves now (the load
 * balancer's and CDN's certificates, Netlify's, each nginx frontend's by handshake) and lists expiry, issuer and
 * whether it is a version Certferry keeps. Changes nothing; exit 1 when a target could not be asked (a hook, which
 * cannot tell what it serves, is listed and does not count).
 */
@Command(name = "discover", mixinStandardHelpOptions = true,
    description = {"Ask every configured target what it serves now: expiry, issuer, names, and whether it is a "
        + "certificate Certferry keeps. Changes nothing. Needs --config."})
public final class DiscoverCommand extends StoreCommand {
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  @Option(names = "--json", description = "Print a JSON array: one object per place a certificate is served.")
  boolean json;

  @Override
  protected int run() throws Exception {
    requireConfig();
    List<TargetDiscovery> all;
    try (CertManager manager = engine(openStore(), List.of())) {
      all = manager.discover();
    }
    if (json) {
      Json.print(out(), json(all));
    } else {
      all.forEach(d -> print(d, out()));
    }
    out().flush();
    return all.stream().anyMatch(TargetDiscovery::failed) ? ExitCodes.FAILED : ExitCodes.DONE;
  }

  private void print(TargetDiscovery d, PrintWriter out) {
    String head = d.certificate() + " -> " + d.target();
    if (d.error().isPresent()) {
      out.println(head + ": " + (d.failed() ? "could not be asked: " : "cannot tell: ") + d.error().get());
      return;
    }
    if (d.found().isEmpty()) {
      out.println(head + ": serves no certificate yet");
      return;
    }
    Instant now = env().clock().instant();
    for (TargetDiscovery.Found f : d.found()) {
      ServedCertificate c = f.served();
      out.println(head + ": " + c.place());
      out.println("    expires " + c.notAfter().map(t -> WHEN.format(t) + " (" + CertificateState.daysLeft(t, now)
          + " days left)").orElse("unknown") + ", issuer " + c.issuer().orElse("not reported") + ", names "
          + (c.names().isEmpty() ? "-" : String.join(", ", c.names())));
      c.sha256().ifPresent(s -> out.println("    sha256 " + s));
      c.note().ifPresent(n -> out.println("    " + n));
      out.println("    " + f.version().map(v -> "Certferry version " + v.number() + (f.current() ? " (current)"
          : " (not the current one: the next pass deploys that)")).orElse("not a Certferry version: the first deploy "
          + "replaces it"));
    }
  }

  private static ArrayNode json(List<TargetDiscovery> all) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (TargetDiscovery d : all) {
      if (d.error().isPresent() || d.found().isEmpty()) {
        ObjectNode o = out.addObject().put("certificate", d.certificate()).put("target", d.target());
        o.putNull("place");
        o.put("error", d.error().orElse(null));
        continue;
      }
      for (TargetDiscovery.Found f : d.found()) {
        ServedCertificate c = f.served();
        ObjectNode o = out.addObject().put("certificate", d.certificate()).put("target", d.target())
            .put("place", c.place()).put("sha256", c.sha256().orElse(null)).put("serial", c.serial().orElse(null))
            .put("notAfter", c.notAfter().map(Instant::toString).orElse(null)).put("issuer", c.issuer().orElse(null));
        ArrayNode names = o.putArray("names");
        c.names().forEach(names::add);
        o.put("note", c.note().orElse(null));
        if (f.version().isPresent()) {
          o.put("certferryVersion", f.version().get().number());
        } else {
          o.putNull("certferryVersion");
        }
        o.put("current", f.current());
        o.putNull("error");
      }
    }
    return out;
  }
}
