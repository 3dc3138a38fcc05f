package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.core.Durations;
import io.certferry.core.SettingProblem;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.issue.acme.AcmeDirectoryCheck;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry check-config --config F}: validates the whole file, reports every problem with
 * line:column, exit 2. Each certificate's issuer block is then read by the typed settings every door
 * uses, and an ACME issuer's settings are checked against its CA's directory (a profile it does not
 * offer, external account binding it requires), fetched with a short timeout; a CA that cannot be
 * reached is reported as a note saying what was not checked, not as a problem.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = {"Check an agent config file: every problem at once, with line and column; exit 2 when any.",
        "ACME settings are also checked against each CA's directory (a short fetch; --offline skips it)."})
public final class CheckConfigCommand extends StoreCommand {
  @Option(names = "--offline", description = "Do not fetch the CAs' directories (profiles, EAB are then checked at issuance).")
  boolean offline;

  @Option(names = "--directory-timeout", paramLabel = "DURATION", description = "How long to wait for a CA's directory (default 5s).")
  String directoryTimeout;

  @Override
  protected int run() throws Exception {
    AgentConfig c = requireConfig();
    Path file = global.config().orElseThrow();
    Duration timeout = directoryTimeout == null ? AcmeDirectoryCheck.DEFAULT_TIMEOUT
        : Durations.parsePositive(directoryTimeout);
    List<ConfigProblem> problems = new ArrayList<>();
    for (int i = 0; i < c.certificates().size(); i++) {
      AgentConfig.CertificateConfig cert = c.certificates().get(i);
      if (cert.issuer() == null) {
        continue;
      }
      String at = "/certificates/" + i + "/issuer";
      IssuerSettings.Read read = IssuerSettings.read(cert.issuer(), cert.domains(), env().providers());
      read.problems().forEach(p -> problems.add(ConfigLoader.locate(file, at + p.pointer(), p.message())));
      if (offline || read.settings().flatMap(IssuerSettings::acme).isEmpty()) {
        continue;
      }
      AcmeDirectoryCheck.Result online = AcmeDirectoryCheck.check(read.settings().get().acme().get(), timeout);
      for (SettingProblem p : online.problems()) {
        problems.add(ConfigLoader.locate(file, at + p.pointer(), p.message()));
      }
      online.notes().forEach(n -> err().println("note: " + cert.name() + ": " + n));
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err().println(p.format(file.toString())));
      err().println(problems.size() + " problem(s) in " + file + "; nothing was started.");
      err().flush();
      return ExitCodes.USAGE;
    }
    long targets = c.certificates().stream().mapToLong(x -> x.targets().size()).sum();
    out().printf("%s: OK (%d certificate(s), %d target(s), %d notifier(s))%n", file,
        c.certificates().size(), targets, c.notifications().size());
    out().flush();
    err().flush();
    return ExitCodes.DONE;
  }
}
