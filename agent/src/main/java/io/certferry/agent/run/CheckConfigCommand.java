package io.certferry.agent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.core.Durations;
import io.certferry.core.SettingProblem;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.issue.acme.AcmeDirectoryCheck;
import io.certferry.core.issue.acme.AcmeSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry check-config --config F}: validates the whole file, reports every problem with
 * line:column, exit 2. Then the settings of every ACME issuer (and fallback) are checked against its CA's
 * directory, fetched with a short timeout: a profile it does not offer, external account binding it
 * requires. A CA that cannot be reached is a note saying what was not checked, not a problem: the agent
 * checks again before every order.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = {"Check an agent config file: every problem at once, with line and column; exit 2 when any.",
        "ACME settings are also checked against each CA's directory (a short fetch; --offline skips it)."})
public final class CheckConfigCommand extends StoreCommand {
  @Option(names = "--offline", description = "Do not fetch the CAs' directories (profiles and EAB are then checked at issuance).")
  boolean offline;

  @Option(names = "--directory-timeout", paramLabel = "DURATION", description = "How long to wait for a CA's directory (default 5s).")
  String directoryTimeout;

  @Override
  protected int run() throws Exception {
    AgentConfig c = requireConfig();
    Path file = global.config().orElseThrow();
    List<ConfigProblem> problems = offline ? List.of() : againstDirectories(c, file, directoryTimeout == null
        ? AcmeDirectoryCheck.DEFAULT_TIMEOUT : Durations.parsePositive(directoryTimeout));
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

  /** What each ACME issuer's CA says about its settings, placed in the file; notes go to stderr at once. */
  private List<ConfigProblem> againstDirectories(AgentConfig c, Path file, Duration timeout) {
    List<ConfigProblem> problems = new ArrayList<>();
    for (int i = 0; i < c.certificates().size(); i++) {
      AgentConfig.CertificateConfig cert = c.certificates().get(i);
      List<String> at = new ArrayList<>(List.of("/certificates/" + i + "/issuer"));
      List<ObjectNode> blocks = new ArrayList<>(List.of(cert.issuer()));
      for (int f = 0; f < cert.continuity().fallbacks().size(); f++) {
        at.add("/certificates/" + i + "/fallback/" + f);
        blocks.add(cert.continuity().fallbacks().get(f));
      }
      for (int b = 0; b < blocks.size(); b++) {
        Optional<AcmeSettings> acme = IssuerSettings.read(blocks.get(b), cert.domains(), env().providers()).settings()
            .flatMap(IssuerSettings::acme);
        if (acme.isEmpty()) {
          continue;
        }
        AcmeDirectoryCheck.Result r = AcmeDirectoryCheck.check(acme.get(), timeout);
        for (SettingProblem p : r.problems()) {
          problems.add(ConfigLoader.locate(file, at.get(b) + p.pointer(), p.message()));
        }
        r.notes().forEach(n -> err().println("note: " + cert.name() + ": " + n));
      }
    }
    return problems;
  }
}
