package io.certferry.core;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A plug-in found through {@link java.util.ServiceLoader}: it creates a {@link io.certferry.core.deploy.DeployTarget},
 * a {@link io.certferry.core.dns.DnsProvider} or a {@link io.certferry.core.notify.Notifier} from its
 * config block. Register an implementation in {@code META-INF/services/io.certferry.core.ProviderFactory}.
 */
public interface ProviderFactory {
  /** The {@code type:} value in config that selects this factory, e.g. {@code digitalocean-lb}. */
  String type();

  /** What {@link #create} returns: {@code DeployTarget.class}, {@code DnsProvider.class} or {@code Notifier.class}. */
  Class<?> kind();

  /**
   * Checks a config block without creating anything or touching the network; returns one message per
   * problem (empty when valid). Messages name the setting and the fix.
   */
  default java.util.List<String> validate(JsonNode settings) { return java.util.List.of(); }

  /** Creates the provider from its config block; secrets come by reference through {@code secrets}. */
  Object create(JsonNode settings, Secrets secrets);
}
