package io.certferry.agent.cli;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;

/** Runs {@code certferry} in-process with captured output and a clock the test controls. */
record CliRun(int code, String out, String err) {
  static CliRun of(Clock clock, String... args) {
    CommandLine cli = Main.commandLine(Environment.system().withClock(clock));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  @Override
  public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
}
