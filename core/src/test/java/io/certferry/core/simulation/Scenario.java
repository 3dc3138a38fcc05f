package io.certferry.core.simulation;

import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One thing that goes wrong in a year, scripted into a {@link World} before it runs.
 *
 * @param id the row label ({@code 2}, {@code 2x})
 * @param title what happens, for the table
 * @param setup changes the world: faults, the agent's setup
 * @param unavoidable why no engine could keep every target valid with this profile; empty when it can be done
 * @param happened whether the fault really met the agent in a run (a fault that never fires proves nothing)
 */
record Scenario(String id, String title, Consumer<World> setup, Function<Profile, Optional<String>> unavoidable,
                Predicate<RunResult> happened) {
  static Scenario possible(String id, String title, Consumer<World> setup, Predicate<RunResult> happened) {
    return new Scenario(id, title, setup, p -> Optional.empty(), happened);
  }
}
