package io.certferry.agent;

import picocli.CommandLine;

/**
 * Builds the commands and hands each the {@link Environment}: {@code new CommandLine(new Main(), new
 * CommandFactory(env))}. Tests pass an environment on a virtual clock and drive the real commands.
 */
public final class CommandFactory implements CommandLine.IFactory {
  private final Environment environment;

  public CommandFactory(Environment environment) { this.environment = environment; }

  @Override
  public <K> K create(Class<K> cls) throws Exception {
    K k = CommandLine.defaultFactory().create(cls);
    if (k instanceof Command c) {
      c.environment(environment);
    }
    return k;
  }

  /** A command that takes the environment from the factory. */
  public interface Command {
    void environment(Environment environment);
  }
}
