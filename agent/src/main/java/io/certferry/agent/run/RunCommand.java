package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.StoreCommand;
import io.certferry.agent.config.AgentConfig;
import io.certferry.core.Backoff;
import io.certferry.core.CertManager;
import io.certferry.core.Durations;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ReconcileReport;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FleetStore;
import io.certferry.core.store.StoreException;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry run --config F [--once]}: the agent. Validates the whole config first (exit 2 on any
 * problem), then reconciles in a loop with the HTTP listener up; SIGTERM lets the step in hand finish
 * (bounded) and exits 0. {@code --once}: one pass, the status table, exit 0 only when every certificate
 * is valid and every target in sync. {@code --once --dry-run}: what that pass would do, with nothing changed.
 *
 * <p>A store that cannot be opened (the database is down) is retried with backoff while the listener answers
 * {@code /readyz} with why; {@code --once} fails at once instead. On a store a fleet shares ({@link FleetStore}),
 * the agent takes its {@link FleetSeat}: it works while it leads and stands by otherwise.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Run the agent: renew, deploy, verify and alert, in a loop (or one pass with --once). Needs --config.")
public final class RunCommand extends StoreCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
  private static final Logger PROGRESS = LoggerFactory.getLogger("io.certferry.progress");
  /** How long SIGTERM waits for the step in hand before exiting anyway. */
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
  /** Opening a store that cannot be reached again: 1 second doubling to 30, so a database back up is used at once. */
  static final Backoff STORE_RETRY = Backoff.of("store", Duration.ofSeconds(1), Duration.ofSeconds(30), 0.5);

  @Option(names = "--once", description = "One pass, print the status table; exit 0 only if all is valid and in sync.")
  boolean once;

  @Option(names = "--dry-run", description = "With --once: decide everything and change nothing (no order, no upload, "
      + "no write, no notification); print what the pass would do for each certificate and target, and why.")
  boolean dryRun;

  /** What SIGTERM winds down; filled in as the agent starts, so a shutdown while waiting for the store works too. */
  private volatile ReconcileLoop loop;
  private volatile FleetSeat seat;
  private volatile AgentHttpServer http;
  private volatile CertManager manager;
  private volatile boolean stopping;
  private Waiter waiter;

  @Override
  protected int run() throws Exception {
    AgentConfig c = requireConfig();
    if (dryRun) {
      if (!once) {
        throw new UsageError("--dry-run goes with --once: certferry run --once --dry-run --config FILE");
      }
      return dryRun(c);
    }
    if (once) {
      return once(c);
    }
    Optional<Map.Entry<String, String>> credentials;
    try {
      credentials = AgentHttpServer.credentials(c.http(), env().secrets());
    } catch (IllegalArgumentException e) {
      // http.auth's password was checked by check-config; its file or variable went away since.
      err().println(global.config().orElseThrow() + ": http.auth.password: " + e.getMessage());
      err().flush();
      return ExitCodes.USAGE;
    }
    AgentMetrics metrics = new AgentMetrics(c);
    AgentState state = new AgentState(env().clock());
    RecentEvents events = new RecentEvents();
    waiter = Waiter.on(env().clock());
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "certferry-shutdown"));
    if (c.http().enabled()) {
      http = AgentHttpServer.start(c.http().host(), c.http().port(), state, metrics, events, env().clock(), credentials);
      LOG.info("listening on http://{}:{}/ (the status page; healthz, readyz, status, metrics){}", c.http().host(),
          http.port(), credentials.isPresent() ? ", basic auth for all but the probes" : "");
    }
    Optional<CertificateStore> store = openPatiently(state);
    if (store.isEmpty()) {
      return ExitCodes.DONE; // stopped while waiting for the store
    }
    if (store.get() instanceof FleetStore fleet) {
      seat = new FleetSeat(fleet, env().clock(), waiter::wake);
      state.seat(seat);
      metrics.fleet(state, c.certificates().stream().map(AgentConfig.CertificateConfig::name).toList());
    }
    Supplier<Optional<String>> permit = seat == null ? Optional::empty : seat::permit;
    try {
      manager = AgentAssembly.build(c, store.get(), env(), List.of(Notifier.LOG, metrics, events),
          line -> PROGRESS.info("{}", line), permit);
    } catch (InputRejectedException e) {
      return refused(e);
    }
    loop = new ReconcileLoop(manager, env().clock(), waiter, r -> {
      state.finished(r);
      metrics.update(r);
    }, seat);
    if (seat != null) {
      seat.start();
      LOG.info("agent {} joined the fleet on {} (lease time {}): it works while it leads, else stands by", seat.agent(),
          storeName(), Durations.format(fleet(store.get()).leaseTime()));
    }
    LOG.info("agent started: {} certificate(s) from {}, store {}", c.certificates().size(),
        global.config().orElseThrow(), storeName());
    loop.run(); // returns at once when SIGTERM came during start-up
    return ExitCodes.DONE;
  }

  private static FleetStore fleet(CertificateStore store) { return (FleetStore) store; }

  /** {@code --once}: one pass over every certificate; lineages another agent holds are reported, not waited for. */
  private int once(AgentConfig c) throws Exception {
    CertificateStore store = createStore();
    try (CertManager m = AgentAssembly.build(c, store, env(), List.of(Notifier.LOG), line -> PROGRESS.info("{}", line),
        Optional::empty)) {
      ReconcileReport report = m.reconcile();
      StatusPrinter.print(report, out());
      return report.allGood() ? ExitCodes.DONE : ExitCodes.FAILED;
    } catch (InputRejectedException e) {
      return refused(e);
    }
  }

  /** What one pass would do, printed; the store is opened, never created. */
  private int dryRun(AgentConfig c) throws Exception {
    CertificateStore store = openStore();
    try (CertManager m = AgentAssembly.build(c, store, env(), List.of(), line -> PROGRESS.info("{}", line),
        Optional::empty)) {
      PlanPrinter.print(m.plan(), out());
      return ExitCodes.DONE;
    } catch (InputRejectedException e) {
      return refused(e);
    }
  }

  /** A provider refused its settings after validation passed (e.g. a secret file vanished in between). */
  private int refused(InputRejectedException e) {
    err().println(global.config().orElseThrow() + ": " + e.getMessage());
    err().flush();
    return ExitCodes.USAGE;
  }

  /**
   * Opens the store, trying again with backoff while it cannot be reached: an agent started before its database
   * waits for it (saying why, in the log and on {@code /readyz}) instead of exiting into a restart loop. Empty when
   * SIGTERM came first.
   */
  private Optional<CertificateStore> openPatiently(AgentState state) throws Exception {
    for (int failures = 1; !stopping; failures++) {
      try {
        CertificateStore store = createStore();
        state.storeOpened(store);
        if (failures > 1) {
          LOG.info("store {} is open after {} attempt(s)", storeName(), failures);
        }
        return Optional.of(store);
      } catch (StoreException e) {
        Duration wait = STORE_RETRY.delay(failures, true, Optional.empty());
        state.storeUnavailable(e.getMessage());
        LOG.error("cannot open the store: {}; trying again in {} (attempt {})", e.getMessage(), Durations.format(wait),
            failures);
        waiter.awaitUntil(env().clock().instant().plus(wait));
      }
    }
    return Optional.empty();
  }

  /** SIGTERM: finish the step in hand (bounded), give up the fleet's lease, close, exit 0 (a hook's exit would be 143). */
  private void shutdown() {
    LOG.info("stopping: letting the step in hand finish (at most {}s)", SHUTDOWN_GRACE.toSeconds());
    stopping = true;
    boolean clean = true;
    ReconcileLoop l = loop;
    if (l != null) {
      l.stop();
      try {
        clean = l.awaitFinished(SHUTDOWN_GRACE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        clean = false;
      }
    } else if (waiter != null) {
      waiter.wake();
    }
    if (seat != null) {
      seat.close();
    }
    if (http != null) {
      http.close();
    }
    if (manager != null) {
      manager.close();
    }
    LOG.info(clean ? "stopped" : "stopped before the step in hand finished; the next start converges");
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }
}
