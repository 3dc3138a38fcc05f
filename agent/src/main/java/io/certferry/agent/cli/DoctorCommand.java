package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.core.CertManager;
import io.certferry.core.Durations;
import io.certferry.core.InputRejectedException;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.doctor.Check;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Doctor;
import io.certferry.core.doctor.DoctorChecks;
import io.certferry.core.doctor.DoctorReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.SimpleResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry doctor --config F [--json]}: before go-live, proves that every credential, record and path of the
 * config is right, without changing anything: the config and its secrets, each CA, each name's DNS, each target.
 * Checks run in parallel, each under a timeout, with progress lines on stderr. Exit 0 when nothing fails, 1 when
 * something does, 2 for a config that is not valid.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check, before go-live, that the config's secrets resolve, each CA accepts it (terms, EAB, profile, "
        + "clock), each name's DNS lets the CA issue (CAA, dns-01's zone and servers, DNSSEC) and each target can be "
        + "deployed to (tokens, load balancers, CDN endpoints, sites, nginx hosts, folders). Changes nothing. "
        + "Exit 0: nothing failed; 1: something failed; 2: the config is not valid."})
public final class DoctorCommand extends StoreCommand {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):[^}]*}");

  @Option(names = "--json", description = "Print one JSON object: ok, counts, and every result with its fix.")
  boolean json;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s",
      description = "How long one check may take before it is reported failed (default: ${DEFAULT-VALUE}).")
  String timeout;

  @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
      description = "Ask this recursive resolver for CAA, NS and DNSSEC instead of the system's.")
  String resolver;

  @Option(names = "--name-server-port", hidden = true, defaultValue = "53",
      description = "The port zones' name servers answer on (tests).")
  int nameServerPort;

  @Override
  protected int run() throws Exception {
    AgentConfig config = requireConfig();
    Doctor doctor;
    try {
      doctor = Doctor.builder().timeout(Durations.parsePositive(timeout)).progress(this::progress).build();
    } catch (IllegalArgumentException e) {
      throw new UsageError("--timeout: " + e.getMessage());
    }
    DoctorChecks.Options options = DoctorChecks.Options.of(env().providerContext()).clock(env().clock())
        .nameServerPort(nameServerPort);
    if (resolver != null) {
      InetSocketAddress a = PropagationCheck.parseServer(resolver);
      options.resolver(new SimpleResolver(a));
    }
    DoctorReport report;
    try (CertManager manager = engine(openStore(), List.of())) {
      List<Check> checks = new ArrayList<>();
      checks.add(configCheck(config));
      checks.addAll(DoctorChecks.of(manager, options));
      report = doctor.run(checks);
    } catch (InputRejectedException e) {
      throw new UsageError(e.getMessage());
    }
    if (json) {
      Json.print(out(), json(report));
    } else {
      print(report, out());
    }
    out().flush();
    return report.failed() ? ExitCodes.FAILED : ExitCodes.DONE;
  }

  /** The config was loaded whole (each secret resolved) before any check: what remains are its warnings. */
  private Check configCheck(AgentConfig config) throws IOException {
    String file = global.config().orElseThrow().toString();
    Matcher m = REFERENCE.matcher(Files.readString(config.file()));
    int references = 0;
    while (m.find()) {
      references++;
    }
    String name = "config " + file;
    List<CheckResult> found = new ArrayList<>();
    found.add(CheckResult.ok(name, "settings", "valid: " + config.certificates().size() + " certificate(s), "
        + config.certificates().stream().mapToInt(c -> c.targets().size()).sum() + " target(s), "
        + config.watch().size() + " watched endpoint(s)"));
    found.add(CheckResult.ok(name, "secrets", references == 0 ? "no secret references"
        : "all " + references + " secret reference(s) resolve"));
    for (ConfigProblem w : config.warnings()) {
      found.add(CheckResult.warn(name, "warning", w.format(file), "change the setting as the warning says"));
    }
    return Check.of(name, () -> found);
  }

  private static void print(DoctorReport report, PrintWriter out) {
    for (CheckResult r : report.results()) {
      out.printf("%-4s %s: %s: %s%n", r.status().label(), r.check(), r.subject(), r.message());
      r.fix().ifPresent(f -> out.println("     fix: " + f));
    }
    out.printf("%d ok, %d warn, %d fail%n", report.count(CheckResult.Status.OK), report.count(CheckResult.Status.WARN),
        report.count(CheckResult.Status.FAIL));
  }

  private static ObjectNode json(DoctorReport report) {
    ObjectNode o = Json.MAPPER.createObjectNode().put("ok", !report.failed());
    o.putObject("counts").put("ok", report.count(CheckResult.Status.OK)).put("warn", report.count(CheckResult.Status.WARN))
        .put("fail", report.count(CheckResult.Status.FAIL));
    ArrayNode results = o.putArray("results");
    for (CheckResult r : report.results()) {
      results.addObject().put("check", r.check()).put("subject", r.subject()).put("status", r.status().label())
          .put("message", r.message()).put("fix", r.fix().orElse(null));
    }
    return o;
  }
}
