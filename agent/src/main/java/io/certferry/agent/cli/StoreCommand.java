package io.certferry.agent.cli;

import io.certferry.agent.CommandFactory;
import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigException;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command: the global options, the {@link Environment}, the output streams, the store
 * ({@code --store}, or the one {@code --config} names) and the one engine, built from the config or
 * from the store's specs. Failures become exit codes through {@link CliErrors}, whether or not the
 * {@code CommandLine} that runs the command has the handler installed (tests build their own).
 */
public abstract class StoreCommand implements Callable<Integer>, CommandFactory.Command {
  @Mixin
  protected GlobalOptions global;

  @Spec
  protected CommandSpec spec;

  private Environment env = Environment.system();
  private AgentConfig loaded;
  private final Map<String, InputRejectedException> broken = new java.util.LinkedHashMap<>();

  @Override
  public void environment(Environment environment) { this.env = environment; }

  protected Environment env() { return env; }

  /** Does the work and returns the exit code. */
  protected abstract int run() throws Exception;

  @Override
  public final Integer call() {
    try {
      return run();
    } catch (UsageError e) {
      if (e.getMessage() != null) {
        err().println("certferry " + spec.name() + ": " + e.getMessage());
        err().flush();
      }
      return ExitCodes.USAGE;
    } catch (Exception e) {
      return CliErrors.report(e, err(), global.verbose());
    }
  }

  protected PrintWriter out() { return spec.commandLine().getOut(); }

  protected PrintWriter err() { return spec.commandLine().getErr(); }

  /** The config of {@code --config}, validated whole (every problem printed, exit 2), if one was given. */
  protected Optional<AgentConfig> config() {
    if (global.config().isEmpty()) {
      return Optional.empty();
    }
    if (loaded == null) {
      Path file = global.config().get();
      try {
        loaded = ConfigLoader.withInstalledProviders(env.secrets()).load(file);
        for (ConfigProblem w : loaded.warnings()) {
          err().println("warning: " + w.format(file.toString()));
        }
        err().flush();
      } catch (ConfigException e) {
        for (ConfigProblem p : e.problems()) {
          err().println(p.format(file.toString()));
        }
        err().println(e.problems().size() + " problem(s) in " + file + "; nothing was started.");
        err().flush();
        throw new UsageError(null);
      }
    }
    return Optional.of(loaded);
  }

  /** The config, which this command needs. */
  protected AgentConfig requireConfig() {
    if (global.config().isEmpty()) {
      throw new UsageError("needs --config FILE (the agent's YAML config)");
    }
    return config().orElseThrow();
  }

  /** The store folder: {@code --store}, else the config's {@code store:}, else CERTFERRY_STORE, else the default. */
  protected Path storeDir() {
    if (global.explicitStore().isEmpty()) {
      Optional<Path> fromConfig = config().map(AgentConfig::store).filter(p -> p != null);
      if (fromConfig.isPresent()) {
        return fromConfig.get();
      }
    }
    return global.storeDir(env.variables());
  }

  /** Opens the store; its folder (0700) is made by the first write, so a rejected command leaves nothing behind. */
  protected CertificateStore openStore() {
    return FileStore.open(storeDir());
  }

  /** Opens the store, creating its folder (0700) now: the agent's, so the quick start runs from a clean checkout. */
  protected CertificateStore createStore() throws java.io.IOException {
    Path dir = storeDir();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return FileStore.open(dir);
  }

  /**
   * The engine for this command: with {@code --config}, every certificate of the config with its targets and
   * notifiers; without, the lineages {@code names} as the store keeps them. Events go to the log.
   */
  protected CertManager engine(CertificateStore store, List<String> names, Notifier... listeners)
      throws InputRejectedException {
    List<Notifier> all = new java.util.ArrayList<>(List.of(listeners));
    all.add(Notifier.LOG);
    Optional<AgentConfig> c = config();
    if (c.isPresent()) {
      return AgentAssembly.build(c.get(), store, env, all, this::progress);
    }
    return AgentAssembly.fromStore(store, names, env, all, this::progress, broken::put);
  }

  /** Lineages the last {@link #engine} call could not set up from their spec, with the reason. */
  protected Map<String, InputRejectedException> broken() { return broken; }

  /** A progress line of a long step (an ACME order), on stderr. */
  protected void progress(String line) {
    err().println("certferry: " + line);
    err().flush();
  }

  /**
   * The command line or its config is wrong: exit 2. With a message, it is printed; without, the problems
   * were printed already (a config's, at file:line:column).
   */
  public static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageError(String message) { super(message, null, false, false); }
  }
}
