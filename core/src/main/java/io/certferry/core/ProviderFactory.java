package io.certferry.core;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A plug-in found through {@link java.util.ServiceLoader}: it creates a {@link io.certferry.core.deploy.DeployTarget},
 * a {@link io.certferry.core.dns.DnsProvider} or a {@link io.certferry.core.notify.Notifier} from its
 * config block. Register an implementation in {@code META-INF/services/io.certferry.core.ProviderFactory}.
 *
 * @since 0.1
 */
public interface ProviderFactory {
  /**
   * The {@code type:} value in config that selects this factory, e.g. {@code digitalocean-lb}.
   *
   * @since 0.1
   */
  String type();

  /**
   * What {@link #create} returns: {@code DeployTarget.class}, {@code DnsProvider.class} or {@code Notifier.class}.
   *
   * @since 0.1
   */
  Class<?> kind();

  /**
   * Checks a config block without creating anything or touching the network; returns one message per
   * problem (empty when valid). Messages name the setting and the fix.
   *
   * @since 0.1
   */
  default List<String> validate(JsonNode settings) { return List.of(); }

  /**
   * Creates the provider from its config block. Everything the provider needs from its host comes
   * from {@code context}: secrets (by reference), the clock and sleeper, the shared HTTP client and the
   * TLS probe; a provider never reads the system clock or makes its own HTTP client.
   *
   * @throws IllegalArgumentException when the settings are invalid or a secret cannot be resolved
   * @since 0.1
   */
  Object create(JsonNode settings, ProviderContext context);
}
