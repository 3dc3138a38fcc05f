package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.GlobalOptions;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.ReconcileReport;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.FileStore;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code certferry run --config F [--once]}: the agent. Validates the whole config first (exit 2 on
 * any problem), then reconciles in a loop with the HTTP listener up; SIGTERM lets the step in hand
 * finish (bounded) and exits 0. {@code --once}: one pass, the status table, exit 0 only when every
 * certificate is valid and every target in sync.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the agent: renew, deploy, verify and alert, in a loop (or one pass with --once).")
public final class RunCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  /** How long SIGTERM waits for the step in hand before exiting anyway. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

  @Mixin
  GlobalOptions global;

  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML config.")
  Path config;

  @Option(names = "--once", description = "One pass, print the status table; exit 0 only if all is valid and in sync.")
  boolean once;

  private final Clock clock;
  private final Secrets secrets;

  /** The command as {@code certferry run} builds it: the system clock and the process environment. */
  public RunCommand() { this(Clock.systemUTC(), ReferenceSecrets.system()); }

  /**
   * The command on a given clock and secrets, for tests that drive the real entry past the renewal
   * point (a picocli factory hands this instance to {@code new CommandLine(new Main(), factory)}).
   */
  public RunCommand(Clock clock, Secrets secrets) {
    this.clock = clock;
    this.secrets = secrets;
  }

  @Override
  public Integer call() throws Exception {
    Optional<AgentConfig> loaded = CheckConfigCommand.load(config, secrets, spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ExitCodes.USAGE;
    }
    AgentConfig c = loaded.get();
    FileStore store = openStore(c.store() != null ? c.store() : global.storeDir());
    AgentMetrics metrics = new AgentMetrics(c);
    AgentState state = new AgentState();
    CertManager manager;
    try {
      manager = AgentAssembly.build(c, ConfigLoader.withInstalledProviders(secrets), store, secrets, clock,
          List.of(Notifier.LOG, metrics));
    } catch (IllegalArgumentException e) {
      // A provider refused its settings after validation passed (e.g. a secret file vanished in between).
      spec.commandLine().getErr().println(config + ": " + e.getMessage());
      spec.commandLine().getErr().flush();
      return ExitCodes.USAGE;
    }
    if (once) {
      try (manager) {
        ReconcileReport report = manager.reconcile();
        StatusPrinter.print(report, clock.instant(), spec.commandLine().getOut());
        return report.allGood() ? ExitCodes.DONE : ExitCodes.FAILED;
      }
    }
    AgentHttpServer http = c.http().enabled()
        ? AgentHttpServer.start(c.http().host(), c.http().port(), state, metrics, store, clock) : null;
    if (http != null) {
      LOG.info("listening on http://{}:{}/ (healthz, readyz, status, metrics)", c.http().host(), http.port());
    }
    ReconcileLoop loop = new ReconcileLoop(manager, clock, Waiter.on(clock), r -> {
      state.finished(r);
      metrics.update(r);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(loop, http, manager), "certferry-shutdown"));
    LOG.info("agent started: {} certificate(s) from {}, store {}", c.certificates().size(), config, store.root());
    loop.run();
    return ExitCodes.DONE;
  }

  /** Opens the store, creating its folder (0700) on first use so the quick start runs from a clean checkout. */
  static FileStore openStore(Path dir) throws java.io.IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      java.nio.file.Files.createDirectories(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }
    return FileStore.open(dir);
  }

  /** SIGTERM: finish the step in hand (bounded), close, exit 0 (a shutdown hook's exit would be 143). */
  private static void shutdown(ReconcileLoop loop, AgentHttpServer http, CertManager manager) {
    LOG.info("stopping: letting the step in hand finish (at most {}s)", SHUTDOWN_GRACE.toSeconds());
    loop.stop();
    boolean clean = false;
    try {
      clean = loop.awaitFinished(SHUTDOWN_GRACE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (http != null) {
      http.close();
    }
    manager.close();
    LOG.info(clean ? "stopped" : "stopped before the step in hand finished; the next start converges");
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }
}
