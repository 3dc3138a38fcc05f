package io.certferry.agent.config;

import java.util.List;

/** The config file has problems; all of them, each with its place. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(problems.size() + " problem(s) in the config" + (problems.isEmpty() ? "" : ", first: " + problems.get(0).message()));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() { return problems; }
}
