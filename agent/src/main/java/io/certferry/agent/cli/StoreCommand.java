package io.certferry.agent.cli;


import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that work on the store: gives them the global options and their output
 * streams, and maps failures to exit codes through {@link CliErrors} whether or not the
 * {@code CommandLine} that runs them has the handler installed (tests build their own).
 */
abstract class StoreCommand implements Callable<Integer> {
  @Mixin
  GlobalOptions global;

  @Spec
  CommandSpec spec;

  /** Does the work and returns the exit code. */
  abstract int run() throws Exception;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (Exception e) {
      return CliErrors.report(e, err(), global.verbose());
    }
  }

  PrintWriter out() { return spec.commandLine().getOut(); }

  PrintWriter err() { return spec.commandLine().getErr(); }
}
