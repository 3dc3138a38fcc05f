package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigException;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code certferry check-config --config F}: validates the whole file, reports every problem with line:column, exit 2. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Check an agent config file: every problem at once, with line and column; exit 2 when any.")
public final class CheckConfigCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML config.")
  Path config;

  @Override
  public Integer call() {
    Optional<AgentConfig> c = load(config, ReferenceSecrets.system(), spec.commandLine().getErr());
    if (c.isEmpty()) {
      return ExitCodes.USAGE;
    }
    long targets = c.get().certificates().stream().mapToLong(x -> x.targets().size()).sum();
    spec.commandLine().getOut().printf("%s: OK (%d certificate(s), %d target(s), %d notifier(s))%n", config,
        c.get().certificates().size(), targets, c.get().notifications().size());
    spec.commandLine().getOut().flush();
    return ExitCodes.DONE;
  }

  /** Loads and validates; prints warnings, or every problem and returns empty. */
  static Optional<AgentConfig> load(Path file, Secrets secrets, PrintWriter err) {
    try {
      AgentConfig c = ConfigLoader.withInstalledProviders(secrets).load(file);
      for (ConfigProblem w : c.warnings()) {
        err.println("warning: " + w.format(file.toString()));
      }
      err.flush();
      return Optional.of(c);
    } catch (ConfigException e) {
      for (ConfigProblem p : e.problems()) {
        err.println(p.format(file.toString()));
      }
      err.println(e.problems().size() + " problem(s) in " + file + "; nothing was started.");
      err.flush();
      return Optional.empty();
    }
  }
}
