package io.certferry.agent;

import io.certferry.agent.cli.CliErrors;
import io.certferry.agent.cli.CsrCommand;
import io.certferry.agent.cli.DiscoverCommand;
import io.certferry.agent.cli.DoctorCommand;
import io.certferry.agent.cli.DnsPersistCommand;
import io.certferry.agent.cli.GlobalOptions;
import io.certferry.agent.cli.ImportCommand;
import io.certferry.agent.cli.IssueCommand;
import io.certferry.agent.cli.ListCommand;
import io.certferry.agent.cli.LocalCaCommand;
import io.certferry.agent.cli.RenewCommand;
import io.certferry.agent.cli.RevokeCommand;
import io.certferry.agent.cli.ShowCommand;
import io.certferry.agent.cli.StoreAdminCommand;
import io.certferry.agent.run.CheckConfigCommand;
import io.certferry.agent.run.DeployCommand;
import io.certferry.agent.run.RunCommand;
import io.certferry.core.issue.acme.Http01StandaloneSolver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code certferry} command: the CLI and the agent in one jar. */
@Command(name = "certferry", mixinStandardHelpOptions = true, version = "certferry 0.1.0-SNAPSHOT",
    description = "Keeps TLS certificates valid and in place, everywhere they are served.")
public final class Main implements Runnable {
  /** The subcommands by name, in the order the usage lists them. */
  private static final Map<String, Class<?>> COMMANDS = new LinkedHashMap<>();
  /** Options of the top command that take a value: what follows them is not the command's name. */
  private static final Set<String> WITH_VALUE = Set.of("--store", "--config");
  /** The name the JDK gives the selector thread of its HTTP client number N. */
  private static final Pattern HTTP_CLIENT_SELECTOR = Pattern.compile("HttpClient-\\d+-SelectorManager");

  static {
    COMMANDS.put("help", CommandLine.HelpCommand.class);
    COMMANDS.put("csr", CsrCommand.class);
    COMMANDS.put("import", ImportCommand.class);
    COMMANDS.put("list", ListCommand.class);
    COMMANDS.put("show", ShowCommand.class);
    COMMANDS.put("issue", IssueCommand.class);
    COMMANDS.put("revoke", RevokeCommand.class);
    COMMANDS.put("renew", RenewCommand.class);
    COMMANDS.put("local-ca", LocalCaCommand.class);
    COMMANDS.put("dns-persist", DnsPersistCommand.class);
    COMMANDS.put("store", StoreAdminCommand.class);
    COMMANDS.put("run", RunCommand.class);
    COMMANDS.put("check-config", CheckConfigCommand.class);
    COMMANDS.put("deploy", DeployCommand.class);
    COMMANDS.put("discover", DiscoverCommand.class);
    COMMANDS.put("doctor", DoctorCommand.class);
  }

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
    int code = commandLine(Environment.system(), commandIn(args)).execute(args);
    stopIdleNetworkThreads();
    System.exit(code);
  }

  /**
   * Ends the threads a finished command leaves blocked in the kernel: at exit the JVM waits up to 300 ms for
   * every thread inside a native call, so each command that spoke to a CA took 0.3 s longer to exit than to
   * finish. They are the http-01 server, which lingers for the next order, and the selector thread of each JDK
   * {@code HttpClient} (acme4j's), which Java 17 gives no way to close: interrupted, it leaves its loop and
   * closes its selector. The command is done and the store closed when this runs.
   */
  static void stopIdleNetworkThreads() {
    Http01StandaloneSolver.stopIdleServers();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (HTTP_CLIENT_SELECTOR.matcher(t.getName()).matches()) {
        t.interrupt();
        try {
          t.join(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The {@code certferry} command line, every command on this environment (tests pass a virtual clock). */
  public static CommandLine commandLine(Environment environment) {
    return commandLine(environment, Optional.empty());
  }

  /**
   * The command line with only {@code command} when one is named: picocli reflects over every option of
   * every command it is given, which was a quarter of the CPU a short command such as {@code list} spends
   * starting. Without one (usage, {@code help}, a mistyped name) every command is there to be listed.
   */
  static CommandLine commandLine(Environment environment, Optional<String> command) {
    CommandLine cl = new CommandLine(new Main(), new CommandFactory(environment));
    COMMANDS.forEach((name, type) -> {
      if (command.isEmpty() || command.get().equals(name)) {
        cl.addSubcommand(name, type);
      }
    });
    return cl.setExecutionExceptionHandler(new CliErrors()); // after the subcommands: it applies to those present
  }

  /** The subcommand the arguments name, when it is one of ours and not {@code help} (which lists the others). */
  static Optional<String> commandIn(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (WITH_VALUE.contains(a)) {
        i++;
      } else if (!a.startsWith("-")) {
        return COMMANDS.containsKey(a) && !a.equals("help") ? Optional.of(a) : Optional.empty();
      }
    }
    return Optional.empty();
  }
}
