package io.certferry.agent;

import io.certferry.agent.cli.CliErrors;
import io.certferry.agent.cli.GlobalOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certferry} command: the CLI and the agent in one jar. */
@Command(name = "certferry", mixinStandardHelpOptions = true, version = "certferry 0.1.0-SNAPSHOT",
    description = "Keeps TLS certificates valid and in place, everywhere they are served.",
    subcommands = {
        CommandLine.HelpCommand.class,
        io.certferry.agent.cli.CsrCommand.class,
        io.certferry.agent.cli.ImportCommand.class,
        io.certferry.agent.cli.ListCommand.class,
        io.certferry.agent.cli.ShowCommand.class,
        io.certferry.agent.cli.IssueCommand.class,
        io.certferry.agent.cli.RevokeCommand.class,
        io.certferry.agent.cli.RenewCommand.class,
        io.certferry.agent.cli.LocalCaCommand.class,
        io.certferry.agent.cli.DnsPersistCommand.class,
        io.certferry.agent.cli.StoreAdminCommand.class,
        io.certferry.agent.run.RunCommand.class,
        io.certferry.agent.run.CheckConfigCommand.class,
        io.certferry.agent.run.DeployCommand.class,
        io.certferry.agent.cli.DiscoverCommand.class,
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** {@code --store} and {@code --verbose}; subcommands write their values here (the field name matters). */
  @CommandLine.Mixin
  GlobalOptions global;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(commandLine(Environment.system()).execute(args));
  }

  /** The {@code certferry} command line, every command on this environment (tests pass a virtual clock). */
  public static CommandLine commandLine(Environment environment) {
    return new CommandLine(new Main(), new CommandFactory(environment)).setExecutionExceptionHandler(new CliErrors());
  }
}
