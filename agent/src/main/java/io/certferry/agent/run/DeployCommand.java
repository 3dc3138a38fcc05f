package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.cli.StoreCommand.UsageError;
import io.certferry.agent.config.AgentConfig;
import io.certferry.core.CertManager;
import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.store.CertificateStore;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certferry deploy N --config F [--target ID]...}: puts certificate N's current version on its
 * targets now (failed ones too, whatever their backoff), verifies and records, like one agent step.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Deploy a certificate's current version to its targets now (targets from the agent config); "
        + "exit 0 when every selected target serves it.")
public final class DeployCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The certificate's name in the config.")
  String name;

  @Option(names = "--target", paramLabel = "ID", description = "Only this target (repeatable); default: all of the certificate's.")
  List<String> only = new ArrayList<>();

  @Override
  protected int run() throws Exception {
    AgentConfig config = requireConfig();
    if (config.certificates().stream().noneMatch(c -> c.name().equals(name))) {
      throw new UsageError("no certificate named '" + name + "' in " + global.config().orElseThrow()
          + "; it has: " + config.certificates().stream().map(AgentConfig.CertificateConfig::name).toList());
    }
    CertificateStore store = openStore();
    DeployOutcome outcome;
    try (CertManager manager = engine(store, List.of(name))) {
      outcome = manager.deploy(name, only);
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    } catch (IllegalStateException e) {
      err().println("certferry deploy: " + e.getMessage());
      err().flush();
      return ExitCodes.FAILED;
    }
    PrintWriter out = out();
    for (DeployOutcome.TargetOutcome t : outcome.targets()) {
      out.printf("%-24s %-16s%s%n", t.targetId(), t.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          t.inSync() ? "" : "  " + t.record().lastError());
    }
    out.printf("%s: %s%n", name, outcome.allInSync() ? "every target serves " + outcome.sha256()
        : "some targets failed; they will be retried by the agent with backoff");
    out.flush();
    return outcome.allInSync() ? ExitCodes.DONE : ExitCodes.FAILED;
  }
}
