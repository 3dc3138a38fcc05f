package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.config.AgentConfig;
import picocli.CommandLine.Command;

/** {@code certferry check-config --config F}: validates the whole file, reports every problem with line:column, exit 2. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Check an agent config file: every problem at once, with line and column; exit 2 when any.")
public final class CheckConfigCommand extends StoreCommand {
  @Override
  protected int run() throws Exception {
    AgentConfig c = requireConfig();
    long targets = c.certificates().stream().mapToLong(x -> x.targets().size()).sum();
    out().printf("%s: OK (%d certificate(s), %d target(s), %d notifier(s))%n", global.config().orElseThrow(),
        c.certificates().size(), targets, c.notifications().size());
    out().flush();
    return ExitCodes.DONE;
  }
}
