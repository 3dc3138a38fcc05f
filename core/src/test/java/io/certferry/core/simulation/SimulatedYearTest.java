package io.certferry.core.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The proof that Certferry keeps every target valid unattended: a year of every scenario of {@link Scenarios}
 * for every {@link Profile}, on the real engine, store and deployer, on virtual time. Prints the results table
 * and writes it to {@code target/simulated-year.md} (docs/simulated-year.md holds a copy).
 */
class SimulatedYearTest {
  static final Path TABLE = Path.of("target", "simulated-year.md");
  /** Runs only some rows, e.g. {@code -Dsimulation.only=2x,7/shortlived} (scenario ids, or id/profile). */
  static final String ONLY = System.getProperty("simulation.only", "");

  @Test
  void everyTargetStaysValidThroughEveryScenario() throws Exception {
    long began = System.nanoTime();
    long cpu = cpuNanos();
    List<RunResult> results = runAll();
    String table = ResultsTable.markdown(results, Duration.ofNanos(System.nanoTime() - began),
        Duration.ofNanos(cpuNanos() - cpu));
    System.out.println(table);
    Files.createDirectories(TABLE.getParent());
    Files.writeString(TABLE, table);
    SoftAssertions soft = new SoftAssertions();
    results.forEach(r -> check(soft, r));
    soft.assertAll();
  }

  private static void check(SoftAssertions soft, RunResult r) {
    String row = r.scenario().id() + " " + r.profile().id() + ": ";
    if (r.unavoidable().isEmpty()) {
      soft.assertThat(r.harmfulMinutes()).as(row + "harmful minutes").isZero();
    } else {
      soft.assertThat(r.harmfulMinutes()).as(row + "harm said to be unavoidable").isPositive();
    }
    soft.assertThat(r.warnedBeforeHarm()).as(row + "people warned before any harm").isTrue();
    soft.assertThat(r.orders().duplicates()).as(row + "orders placed while the certificate in hand was not due")
        .isEmpty();
    soft.assertThat(r.orders().wasted()).as(row + "certificates issued and never stored").isEmpty();
    soft.assertThat(r.limitsExceeded()).as(row + "Let's Encrypt's limits and refused requests").isEmpty();
    soft.assertThat(r.storeProblems()).as(row + "store").isEmpty();
    soft.assertThat(r.life().outsideAnnounced()).as(row + "deploys outside the window said why")
        .isEqualTo(r.life().outsideWindow());
    soft.assertThat(r.scenario().happened().test(r)).as(row + "the scenario's fault met the agent").isTrue();
  }

  private static List<RunResult> runAll() throws Exception {
    List<Callable<RunResult>> runs = new ArrayList<>();
    for (Scenario s : Scenarios.all()) {
      for (Profile p : Profile.values()) {
        if (selected(s, p)) {
          runs.add(() -> run(s, p));
        }
      }
    }
    // One more thread than cores: a run waiting out a hung target's timeout (real time) leaves its core to another.
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors() + 1);
    try {
      List<RunResult> out = new ArrayList<>();
      for (Future<RunResult> f : pool.invokeAll(runs)) {
        out.add(f.get());
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aYearIsRepeatable() throws Exception {
    for (String id : List.of("4", "7")) {
      Scenario s = Scenarios.all().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
      String first = ResultsTable.repeatable(run(s, Profile.TLSSERVER));
      assertThat(ResultsTable.repeatable(run(s, Profile.TLSSERVER))).as("scenario " + id).isEqualTo(first);
      assertThat(first.contains(" | ? | ")).as("scenario " + id + ": deploys left out").isEqualTo(id.equals("7"));
    }
  }

  private static boolean selected(Scenario s, Profile p) {
    return ONLY.isBlank() || List.of(ONLY.split(",")).stream().map(String::trim)
        .anyMatch(o -> o.equals(s.id()) || o.equals(s.id() + "/" + p.id()));
  }

  static RunResult run(Scenario s, Profile p) throws IOException, InterruptedException {
    World world = new World(p);
    s.setup().accept(world);
    Path dir = Files.createTempDirectory(storeBase(), "certferry-simyear-");
    try {
      return new Simulation(world, dir, (s.id() + "/" + p.id()).hashCode()).run(s);
    } finally {
      delete(dir);
    }
  }

  /** CPU time of this JVM, every thread: what the runs cost whatever else the machine is doing. */
  private static long cpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** tmpfs when there is one: a year of fsyncs costs nothing there. */
  private static Path storeBase() {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
