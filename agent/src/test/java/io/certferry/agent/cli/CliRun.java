package io.certferry.agent.cli;

import io.certferry.agent.Main;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import picocli.CommandLine;

/** Runs {@code certferry} in-process with captured output and a clock the test controls. */
record CliRun(int code, String out, String err) {
  static CliRun of(Clock clock, String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls == RenewCommand.class) {
          return cls.cast(new RenewCommand(clock));
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cli = new CommandLine(new Main(), factory).setExecutionExceptionHandler(new CliErrors());
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
