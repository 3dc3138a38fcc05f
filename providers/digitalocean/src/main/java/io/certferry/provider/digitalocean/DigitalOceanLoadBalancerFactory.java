package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;

import java.util.List;

/** Creates {@code digitalocean-lb} targets: see {@link DigitalOceanSettings} for the settings. */
public final class DigitalOceanLoadBalancerFactory implements ProviderFactory {
  @Override
  public String type() { return "digitalocean-lb"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    return DigitalOceanSettings.problems(settings, DigitalOceanSettings.Kind.LOAD_BALANCER);
  }

  @Override
  public DeployTarget create(JsonNode settings, ProviderContext context) {
    return DigitalOceanTargets.create(DigitalOceanSettings.parse(settings, DigitalOceanSettings.Kind.LOAD_BALANCER),
        DigitalOceanSettings.Kind.LOAD_BALANCER, context);
  }
}
