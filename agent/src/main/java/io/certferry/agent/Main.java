package io.certferry.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certferry} command: the CLI and the agent in one jar. */
@Command(name = "certferry", mixinStandardHelpOptions = true, version = "certferry 0.1.0-SNAPSHOT",
    description = "Keeps TLS certificates valid and in place, everywhere they are served.",
    subcommands = {
        CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }
}
