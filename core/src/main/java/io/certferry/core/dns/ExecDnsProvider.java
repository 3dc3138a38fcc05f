package io.certferry.core.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@link DnsProvider} that runs a user command, as lego's {@code exec} provider:
 * {@code <command...> present <fqdn> <value>} and {@code <command...> cleanup <fqdn> <value>}, where
 * fqdn ends with a dot. A non-zero exit or a timeout fails with the command's output (last lines).
 *
 * @since 0.1
 */
public final class ExecDnsProvider implements DnsProvider {
  private final List<String> command;
  private final Duration timeout;

  /**
   * @param command the program and its fixed arguments
   * @param timeout how long one call may run before it is killed
   */
  public ExecDnsProvider(List<String> command, Duration timeout) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("exec DNS provider: command is empty; set the program to run");
    }
    this.command = List.copyOf(command);
    this.timeout = timeout;
  }

  @Override
  public DnsRecordHandle createTxt(String fqdn, String value) throws DnsException {
    run("present", fqdn, value);
    return new DnsRecordHandle(fqdn, value, "", "");
  }

  @Override
  public void delete(DnsRecordHandle handle) throws DnsException {
    run("cleanup", handle.fqdn(), handle.value());
  }

  private void run(String action, String fqdn, String value) throws DnsException {
    List<String> argv = new ArrayList<>(command);
    argv.add(action);
    argv.add(fqdn.endsWith(".") ? fqdn : fqdn + ".");
    argv.add(value);
    Path output = null;
    try {
      output = Files.createTempFile("certferry-exec-", ".log");
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        throw new DnsException("exec DNS provider: " + command.get(0) + " " + action + " did not finish within "
            + timeout.toSeconds() + " s; output: " + tail(output));
      }
      if (p.exitValue() != 0) {
        throw new DnsException("exec DNS provider: " + command.get(0) + " " + action + " " + fqdn + " exited with "
            + p.exitValue() + "; output: " + tail(output));
      }
    } catch (IOException e) {
      throw new DnsException("exec DNS provider: cannot run " + command.get(0) + " (" + e.getMessage()
          + "); check the path and that it is executable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DnsException("exec DNS provider: interrupted while running " + command.get(0), e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      String text = String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
      return text.isBlank() ? "(none)" : text.length() > 500 ? text.substring(text.length() - 500) : text;
    } catch (IOException e) {
      return "(unreadable)";
    }
  }
}
