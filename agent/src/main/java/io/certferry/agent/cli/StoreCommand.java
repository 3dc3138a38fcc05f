package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.certferry.agent.CommandFactory;
import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigException;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.agent.config.ConfigProblem;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderFactory;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of every command: the global options, the {@link Environment}, the output streams, the store
 * ({@code --store}, or the one {@code --config} names, opened here and only here through the installed store
 * factories) and the one engine, built from the config or from the store's specs. Failures become exit codes through {@link CliErrors}, whether or not the
 * {@code CommandLine} that runs the command has the handler installed (tests build their own).
 */
public abstract class StoreCommand implements Callable<Integer>, CommandFactory.Command {
  @Mixin
  protected GlobalOptions global;

  @Spec
  protected CommandSpec spec;

  private Environment env = Environment.system();
  private AgentConfig loaded;
  private CertificateStore opened;
  private final Map<String, InputRejectedException> broken = new LinkedHashMap<>();

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
    } finally {
      closeStore();
    }
  }

  /** Closes the store this command opened (a database store's pool); a FileStore holds nothing open. */
  private void closeStore() {
    if (opened instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        err().println("certferry: warning: " + e.getMessage());
        err().flush();
      }
    }
    opened = null;
  }

  protected PrintWriter out() { return spec.commandLine().getOut(); }

  protected PrintWriter err() { return spec.commandLine().getErr(); }

  /** The config of {@code --config}, validated whole (every problem printed, exit 2), if one was given. */
  protected Optional<AgentConfig> config() {
    if (global.config().isEmpty()) {
      return Optional.empty();
    }
    if (loaded == null) {
      loaded = loadConfig(global.config().get());
    }
    return Optional.of(loaded);
  }

  /** A config file, validated whole: its warnings printed; every problem printed and exit 2 when it has any. */
  protected AgentConfig loadConfig(Path file) {
    try {
      AgentConfig c = ConfigLoader.with(env.providers(), env.secrets()).load(file);
      for (ConfigProblem w : c.warnings()) {
        err().println("warning: " + w.format(file.toString()));
      }
      err().flush();
      return c;
    } catch (ConfigException e) {
      for (ConfigProblem p : e.problems()) {
        err().println(p.format(file.toString()));
      }
      err().println(e.problems().size() + " problem(s) in " + file + "; nothing was started.");
      err().flush();
      throw new UsageError(null);
    }
  }

  /** The config, which this command needs. */
  protected AgentConfig requireConfig() {
    if (global.config().isEmpty()) {
      throw new UsageError("needs --config FILE (the agent's YAML config)");
    }
    return config().orElseThrow();
  }

  /**
   * The store's settings: {@code --store DIR} (a FileStore), else the config's {@code store:}, else
   * {@code CERTFERRY_STORE}, else the default folder.
   */
  protected AgentConfig.Block storeSettings() {
    if (global.explicitStore().isEmpty()) {
      Optional<AgentConfig.Block> fromConfig = config().map(AgentConfig::storeSettings);
      if (fromConfig.isPresent()) {
        return fromConfig.get();
      }
    }
    return folder(global.storeDir(env.variables()));
  }

  /** What the store is, as messages name it: its folder, or the database it is in. */
  protected String storeName() { return describe(storeSettings()); }

  /** Opens the store (once per command, closed when it ends); a FileStore's folder (0700) is made by the first write. */
  protected CertificateStore openStore() {
    if (opened == null) {
      opened = open(storeSettings(), env);
    }
    return opened;
  }

  /** Opens the store, creating a FileStore's folder (0700) now: the agent's, so the quick start runs from a clean checkout. */
  protected CertificateStore createStore() throws IOException {
    AgentConfig.Block b = storeSettings();
    if (b.type().equals("file")) {
      Path dir = Path.of(b.settings().get("path").asText());
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    }
    return openStore();
  }

  /**
   * Opens the store a block names, through the installed store factories (FileStore for {@code type: file},
   * PostgreSQL for {@code type: postgresql}): the one place every command's store is opened.
   *
   * @throws UsageError when no installed provider has the type, or the factory refuses the settings (exit 2)
   * @throws io.certferry.core.store.StoreException when the store cannot be reached or opened (exit 1)
   */
  public static CertificateStore open(AgentConfig.Block b, Environment env) {
    ProviderFactory f = env.providers().factory(CertificateStore.class, b.type()).orElseThrow(() -> new UsageError(
        "no installed provider registers store type '" + b.type() + "'; installed: "
            + String.join(", ", env.providers().types(CertificateStore.class))));
    try {
      return (CertificateStore) f.create(b.settings(), env.providerContext());
    } catch (IllegalArgumentException e) {
      throw new UsageError(e.getMessage());
    }
  }

  /** The block for a FileStore folder. */
  public static AgentConfig.Block folder(Path dir) {
    return new AgentConfig.Block("file", JsonNodeFactory.instance.objectNode().put("type", "file").put("path", dir.toString()));
  }

  /** A store block as messages name it: a FileStore's folder, else its type and where it is (never a secret). */
  public static String describe(AgentConfig.Block b) {
    if (b.type().equals("file")) {
      return b.settings().path("path").asText();
    }
    String url = b.settings().path("url").asText("");
    int query = url.indexOf('?');
    return "the " + b.type() + " store" + (url.isEmpty() ? "" : " at " + (query < 0 ? url : url.substring(0, query)));
  }

  /**
   * The engine for this command: with {@code --config}, every certificate of the config with its targets and
   * notifiers; without, the lineages {@code names} as the store keeps them. Events go to the log.
   */
  protected CertManager engine(CertificateStore store, List<String> names, Notifier... listeners)
      throws InputRejectedException {
    List<Notifier> all = new ArrayList<>(List.of(listeners));
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
