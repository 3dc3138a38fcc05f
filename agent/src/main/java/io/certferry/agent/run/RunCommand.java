package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.config.AgentConfig;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ReconcileReport;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry run --config F [--once]}: the agent. Validates the whole config first (exit 2 on any
 * problem), then reconciles in a loop with the HTTP listener up; SIGTERM lets the step in hand finish
 * (bounded) and exits 0. {@code --once}: one pass, the status table, exit 0 only when every certificate
 * is valid and every target in sync.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the agent: renew, deploy, verify and alert, in a loop (or one pass with --once). Needs --config.")
public final class RunCommand extends StoreCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.certferry.progress");
  /** How long SIGTERM waits for the step in hand before exiting anyway. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

  @Option(names = "--once", description = "One pass, print the status table; exit 0 only if all is valid and in sync.")
  boolean once;

  @Override
  protected int run() throws Exception {
    AgentConfig c = requireConfig();
    CertificateStore store = createStore();
    // One pass serves no /metrics: its counters would be built for every series of the config and never read.
    AgentMetrics metrics = once ? null : new AgentMetrics(c);
    AgentState state = new AgentState();
    CertManager manager;
    try {
      manager = AgentAssembly.build(c, store, env(), once ? List.of(Notifier.LOG) : List.of(Notifier.LOG, metrics),
          line -> PROGRESS.info("{}", line));
    } catch (InputRejectedException e) {
      // A provider refused its settings after validation passed (e.g. a secret file vanished in between).
      err().println(global.config().orElseThrow() + ": " + e.getMessage());
      err().flush();
      return ExitCodes.USAGE;
    }
    if (once) {
      try (manager) {
        ReconcileReport report = manager.reconcile();
        StatusPrinter.print(report, out());
        return report.allGood() ? ExitCodes.DONE : ExitCodes.FAILED;
      }
    }
    AgentHttpServer http = c.http().enabled()
        ? AgentHttpServer.start(c.http().host(), c.http().port(), state, metrics, store, env().clock()) : null;
    if (http != null) {
      LOG.info("listening on http://{}:{}/ (healthz, readyz, status, metrics)", c.http().host(), http.port());
    }
    ReconcileLoop loop = new ReconcileLoop(manager, env().clock(), Waiter.on(env().clock()), r -> {
      state.finished(r);
      metrics.update(r);
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(loop, http, manager), "certferry-shutdown"));
    LOG.info("agent started: {} certificate(s) from {}, store {}", c.certificates().size(),
        global.config().orElseThrow(), storeDir());
    loop.run();
    return ExitCodes.DONE;
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
