package io.certferry.agent.testing;

import io.certferry.agent.Environment;
import io.certferry.agent.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;

/**
 * One run of the real {@code certferry} command in-process, as {@code Main} runs it: its exit code and what it
 * printed. Tests pass the environment (clock, secrets) their scenario needs; everything else is as shipped.
 */
public record CliRun(int code, String out, String err) {
  /** {@code certferry ARGS} with {@code env}. */
  public static CliRun of(Environment env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(env).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
        .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** {@code certferry ARGS} with the system's environment and the test's clock. */
  public static CliRun of(Clock clock, String... args) { return of(Environment.system().withClock(clock), args); }

  /** {@code certferry ARGS} with the system's environment. */
  public static CliRun of(String... args) { return of(Environment.system(), args); }

  /** Both streams, for a message that may go to either. */
  public String all() { return out + err; }

  @Override
  public String toString() { return "exit " + code + "\n--- out\n" + out + "--- err\n" + err; }
}
