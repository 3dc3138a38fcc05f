package io.certferry.agent.run;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Starts the agent as a real process (this test run's class path), output to a log file. */
final class AgentProcess {
  private AgentProcess() {}

  static Process start(Path workDir, Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    // Log as the shipped agent does (the test class path also holds core's quiet logback-test.xml).
    URL shipped = AgentProcess.class.getResource("/logback.xml");
    if (shipped != null) {
      cmd.add("-Dlogback.configurationFile=" + shipped);
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.certferry.agent.Main");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
  }

  /** Polls {@code condition} until true or the deadline; false when the deadline passed. */
  static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < end) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.onSpinWait();
      Thread.yield();
      LockSupport.parkNanos(20_000_000);
    }
    return condition.getAsBoolean();
  }

  static String log(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }
}
