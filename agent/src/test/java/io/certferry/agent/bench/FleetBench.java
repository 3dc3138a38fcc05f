package io.certferry.agent.bench;

import io.certferry.agent.fleet.FleetDatabase;
import io.certferry.provider.postgresql.PostgresServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fleet benchmark (bench/fleet/run.sh): CERTS local-CA certificates with 3 fake targets each (50 ms a call), on a
 * real PostgreSQL 15 and, side by side, on a FileStore: the time of a pass that finds everything in sync (what a new
 * leader does first) on each store; then 3 agents on the database, and RUNS times: kill -9 the leader and time until
 * another agent holds the leader lease and until its first pass is done.
 *
 * <p>Agents are the shipped jar as processes ({@code -Dbench.java}: the java command line, class path included);
 * the lease time is the default 30 s.
 */
public final class FleetBench {
  private static final Pattern PASS = Pattern.compile("pass done in ([0-9.]+) s");
  private static final Pattern LEADS = Pattern.compile("leads the fleet from now on \\(term (\\d+)\\)");

  private final Path work;
  private final List<String> java;
  private final List<Process> started = new ArrayList<>();

  private FleetBench(Path work, List<String> java) {
    this.work = work;
    this.java = java;
  }

  public static void main(String[] args) throws Exception {
    int certs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path work = Path.of(args.length > 2 ? args[2] : "bench/out/fleet");
    List<String> java = List.of(System.getProperty("bench.java").trim().split("\\s+"));
    FleetBench bench = new FleetBench(work, java);
    try (PostgresServer server = PostgresServer.start()) {
      bench.run(server, certs, runs);
    } finally {
      bench.started.forEach(Process::destroyForcibly);
    }
  }

  private void run(PostgresServer server, int certs, int runs) throws Exception {
    FleetDatabase db = FleetDatabase.create(server, work.resolve("secrets"));
    Path pg = config("postgresql.yaml", db.storeYaml("30s"), certs, work.resolve("state-pg"));
    Path files = config("files.yaml", "store: " + work.resolve("store").toAbsolutePath() + "\n", certs,
        work.resolve("state-files"));
    System.out.printf("Setting up %,d certificates x 3 targets on each store (not timed)%n", certs);
    once("setup-files", files);
    once("setup-pg", pg);
    List<Double> filesPass = new ArrayList<>();
    List<Double> pgPass = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      filesPass.add(once("in-sync-files-" + i, files));
      pgPass.add(once("in-sync-pg-" + i, pg));
    }
    List<Process> agents = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      agents.add(agent("agent-" + i, pg));
    }
    String lease = awaitLeader(db, null);
    Process leader = byPid(agents, lease);
    double firstPass = awaitPass(log(leader), 0);
    List<Double> elected = new ArrayList<>();
    List<Double> converged = new ArrayList<>();
    List<Double> takeoverPass = new ArrayList<>();
    for (int run = 1; run <= runs; run++) {
      long t0 = System.nanoTime();
      leader.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      agents.remove(leader);
      lease = awaitLeader(db, lease);
      elected.add((System.nanoTime() - t0) / 1e9);
      leader = byPid(agents, lease);
      Path log = log(leader);
      int term = Integer.parseInt(lease.split(" ")[1]);
      double pass = awaitPass(log, term);
      converged.add((System.nanoTime() - t0) / 1e9);
      takeoverPass.add(pass);
      agents.add(agent("agent-r" + run, pg)); // back to three
      System.out.printf("run %d: new leader after %.2f s, its first pass (%.2f s) done %.2f s after the kill%n", run,
          elected.get(run - 1), pass, converged.get(run - 1));
    }
    System.out.println();
    System.out.printf("| %,d certificates x 3 fake targets (50 ms a call), parallelism 32 | median | runs |%n", certs);
    System.out.println("| --- | --- | --- |");
    row("`run --once`, everything in sync, FileStore (process: start-up included)", filesPass);
    row("`run --once`, everything in sync, PostgreSQL (process: start-up included)", pgPass);
    row("a new leader's first pass, PostgreSQL (the agent's log)", List.of(firstPass));
    row("kill -9 of the leader to another agent holding the lease (lease time 30 s)", elected);
    row("kill -9 of the leader to the new leader's first pass done", converged);
    row("that first pass alone", takeoverPass);
  }

  private static void row(String what, List<Double> seconds) {
    List<Double> sorted = new ArrayList<>(seconds);
    sorted.sort(null);
    StringBuilder all = new StringBuilder();
    seconds.forEach(s -> all.append(all.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", s)));
    System.out.printf(Locale.ROOT, "| %s | %.2f s | %s |%n", what, sorted.get(sorted.size() / 2), all);
  }

  private Path config(String name, String store, int certs, Path stateDir) throws IOException {
    Files.createDirectories(stateDir);
    StringBuilder yaml = new StringBuilder(store);
    yaml.append("schedule: {parallelism: 32, maxInterval: 12h}\nhttp: {enabled: false}\ncertificates:\n");
    for (int i = 1; i <= certs; i++) {
      String c = String.format("c%04d", i);
      yaml.append("  - name: ").append(c).append("\n    domains: [").append(c).append(".bench.test]\n")
          .append("    issuer: {type: local}\n    targets:\n");
      for (int t = 1; t <= 3; t++) {
        yaml.append("      - {id: ").append(c).append("-t").append(t).append(", type: bench-latency, stateDir: ")
            .append(stateDir.toAbsolutePath()).append(", latencyMillis: 50}\n");
      }
    }
    return Files.writeString(work.resolve(name), yaml);
  }

  /** One timed {@code run --once}; it must exit 0. */
  private double once(String name, Path config) throws Exception {
    List<String> cmd = new ArrayList<>(java);
    cmd.addAll(List.of("run", "--once", "--config", config.toAbsolutePath().toString()));
    long t = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile())
        .start();
    if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed; see " + work.resolve(name + ".log"));
    }
    return (System.nanoTime() - t) / 1e9;
  }

  private Process agent(String name, Path config) throws IOException {
    List<String> cmd = new ArrayList<>(java);
    cmd.addAll(List.of("run", "--config", config.toAbsolutePath().toString()));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(name + ".log").toFile())
        .start();
    started.add(p);
    Files.writeString(work.resolve(p.pid() + ".pid"), name);
    return p;
  }

  private Path log(Process p) throws IOException {
    return work.resolve(Files.readString(work.resolve(p.pid() + ".pid")) + ".log");
  }

  private static Process byPid(List<Process> agents, String lease) {
    String pid = lease.split("/")[1];
    return agents.stream().filter(a -> Long.toString(a.pid()).equals(pid)).findFirst()
        .orElseThrow(() -> new IllegalStateException("the lease names no agent of the bench: " + lease));
  }

  /** Polls the lease every 20 ms until an agent other than {@code before}'s holds it. */
  private static String awaitLeader(FleetDatabase db, String before) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> now = db.leader();
      if (now.isPresent() && (before == null || !now.get().split(" ")[0].equals(before.split(" ")[0]))) {
        return now.get();
      }
      LockSupport.parkNanos(20_000_000);
    }
    throw new IllegalStateException("no new leader within 5 minutes");
  }

  /** Waits for the first "pass done" the log shows after the agent took up {@code term} (0: any); its duration. */
  private static double awaitPass(Path log, int term) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      Matcher leads = LEADS.matcher(text);
      int from = -1;
      while (leads.find()) {
        if (term == 0 || Integer.parseInt(leads.group(1)) == term) {
          from = leads.end();
        }
      }
      if (from >= 0) {
        Matcher pass = PASS.matcher(text);
        if (pass.find(from)) {
          return Double.parseDouble(pass.group(1));
        }
      }
      LockSupport.parkNanos(20_000_000);
    }
    throw new IllegalStateException("no pass done in " + log + " within 30 minutes");
  }
}
