package io.certferry.agent.run;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Agent processes of a fleet for the chaos tests: each a real {@code certferry run} (this test run's class path),
 * its output in a log of its own, killed, stopped and continued by signal; {@link #close()} kills what is left.
 */
final class FleetAgents implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)/");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One agent process. */
  static final class Agent {
    final String name;
    final Process process;
    final Path log;

    Agent(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    long pid() { return process.pid(); }

    String log() { return AgentProcess.log(log); }

    /** The port its listener bound, once it logged it. */
    Optional<Integer> port() {
      Matcher m = LISTENING.matcher(log());
      return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
    }

    /** GET a path of its listener: status code and body; empty while it does not answer. */
    Optional<HttpResponse<String>> get(String path) {
      Optional<Integer> port = port();
      if (port.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + path))
            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()));
      } catch (IOException e) {
        return Optional.empty();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }

    void signal(String sig) throws IOException, InterruptedException {
      Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IOException("kill -" + sig + " " + pid() + " failed");
      }
    }

    @Override
    public String toString() { return name + " (pid " + pid() + ")"; }
  }

  private final Path dir;
  private final List<Agent> agents = new ArrayList<>();

  FleetAgents(Path dir) { this.dir = dir; }

  /** Starts {@code certferry run --config config} as a new agent process. */
  Agent start(String name, Path config) throws IOException {
    Path log = dir.resolve(name + ".log");
    Agent a = new Agent(name, AgentProcess.start(dir, log, "run", "--config", config.toString()), log);
    agents.add(a);
    return a;
  }

  List<Agent> all() { return List.copyOf(agents); }

  List<Agent> alive() { return agents.stream().filter(a -> a.process.isAlive()).toList(); }

  /** The agent whose process id the leader's lease names ({@code host/pid/suffix term}). */
  Optional<Agent> byLease(String leaseOwner) {
    String[] parts = leaseOwner.split("/");
    return parts.length < 2 ? Optional.empty()
        : agents.stream().filter(a -> Long.toString(a.pid()).equals(parts[1])).findFirst();
  }

  /** Everything every agent logged, for failure messages. */
  String logs() {
    StringBuilder sb = new StringBuilder();
    for (Agent a : agents) {
      sb.append("===== ").append(a).append(a.process.isAlive() ? "" : " exited " + a.process.exitValue()).append('\n');
      String text = a.log();
      sb.append(text.length() > 20_000 ? text.substring(text.length() - 20_000) : text);
    }
    return sb.toString();
  }

  @Override
  public void close() throws Exception {
    for (Agent a : agents) {
      if (a.process.isAlive()) {
        try {
          a.signal("CONT"); // a stopped process would not die of the kill until continued
        } catch (IOException ignored) {
          // it may have exited in between
        }
        a.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
