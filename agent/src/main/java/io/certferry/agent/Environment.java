package io.certferry.agent;

import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.Sleeper;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What every command takes from the world: the clock, the sleeper, how secret references resolve, the
 * process environment and the installed providers. {@link #system()} in production; tests hand every
 * command the same virtual clock and secrets through {@link CommandFactory}.
 */
public record Environment(Clock clock, Sleeper sleeper, Secrets secrets, Map<String, String> variables,
                          ProviderRegistry providers) {
  public Environment {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(secrets, "secrets");
    variables = Map.copyOf(variables);
    Objects.requireNonNull(providers, "providers");
  }

  /** The system clock, real sleeping, the process environment and the class path's providers. */
  public static Environment system() {
    return new Environment(Clock.systemUTC(), Sleeper.SYSTEM, ReferenceSecrets.system(), System.getenv(),
        ProviderRegistry.installed());
  }

  /**
   * The context providers are created with: these secrets, these providers and the shared HTTP client.
   * Providers talk to real servers, so they keep real time even where a test runs the engine on a virtual clock.
   */
  public ProviderContext providerContext() { return ProviderContext.builder(secrets).providers(providers).build(); }

  /** This environment on another clock (tests). */
  public Environment withClock(Clock clock) { return new Environment(clock, sleeper, secrets, variables, providers); }

  /** This environment with other secrets (tests). */
  public Environment withSecrets(Secrets secrets) { return new Environment(clock, sleeper, secrets, variables, providers); }
}
