package io.certferry.agent.cli;

import io.certferry.core.InputRejectedException;
import io.certferry.core.store.StoreException;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception out of a command into one clear line on stderr and an exit code: 3 for rejected
 * input, 1 for everything else. The stack trace only with {@code --verbose}; it never carries key
 * material, because no Certferry exception message does.
 */
public final class CliErrors implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    boolean verbose = parseResult != null && hasVerbose(parseResult);
    return report(ex, cmd.getErr(), verbose);
  }

  /** Prints the failure and returns its exit code. */
  public static int report(Throwable ex, PrintWriter err, boolean verbose) {
    int code = ex instanceof InputRejectedException ? ExitCodes.INPUT_REJECTED : ExitCodes.FAILED;
    String kind = code == ExitCodes.INPUT_REJECTED ? "rejected" : "error";
    err.println("certferry: " + kind + ": " + message(ex));
    if (verbose) {
      ex.printStackTrace(err);
    } else if (!(ex instanceof InputRejectedException || ex instanceof StoreException)) {
      err.println("(run again with --verbose for details)");
    }
    err.flush();
    return code;
  }

  private static String message(Throwable ex) {
    String m = ex.getMessage();
    return m == null || m.isBlank() ? ex.getClass().getSimpleName() : m;
  }

  private static boolean hasVerbose(ParseResult pr) {
    for (ParseResult p = pr; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
