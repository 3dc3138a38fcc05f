package io.certferry.agent.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every command shares: {@code --store}, {@code --config} and {@code --verbose}. Mixed into the
 * top command and each subcommand; whichever position they are given in, the values land in the top
 * command's instance, so {@code certferry --store D list} and {@code certferry list --store D} agree.
 */
public final class GlobalOptions {
  /** The folder used when neither {@code --store} nor {@code CERTFERRY_STORE} is given, under the home folder. */
  static final String DEFAULT_UNDER_HOME = ".local/share/certferry";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  private Path store;
  private Path config;
  private boolean verbose;

  @Option(names = "--store", paramLabel = "DIR",
      description = "The store folder (default: the config's store, else $CERTFERRY_STORE, else ~/" + DEFAULT_UNDER_HOME + ").")
  void setStore(Path dir) { top().store = dir; }

  @Option(names = "--config", paramLabel = "FILE",
      description = "The agent's YAML config: its store, certificates, issuers, targets and notifiers.")
  void setConfig(Path file) { top().config = file; }

  @Option(names = "--verbose", description = "On failure, print the stack trace too.")
  void setVerbose(boolean v) { top().verbose = v; }

  /** Whether {@code --verbose} was given. */
  public boolean verbose() { return top().verbose; }

  /** {@code --config}, when given. */
  public Optional<Path> config() { return Optional.ofNullable(top().config); }

  /** {@code --store}, when given. */
  public Optional<Path> explicitStore() { return Optional.ofNullable(top().store); }

  /** The store folder: {@code --store}, else {@code CERTFERRY_STORE}, else {@code ~/.local/share/certferry}. */
  public Path storeDir(Map<String, String> env) {
    return resolve(top().store, env, System.getProperty("user.home"));
  }

  static Path resolve(Path explicit, Map<String, String> env, String home) {
    if (explicit != null) {
      return explicit;
    }
    String fromEnv = env.get("CERTFERRY_STORE");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv);
    }
    return Path.of(home).resolve(DEFAULT_UNDER_HOME);
  }

  private GlobalOptions top() {
    if (mixee == null) {
      return this;
    }
    CommandSpec root = mixee.root();
    CommandSpec mine = root.mixins().get("global");
    return mine == null ? this : (GlobalOptions) mine.userObject();
  }
}
