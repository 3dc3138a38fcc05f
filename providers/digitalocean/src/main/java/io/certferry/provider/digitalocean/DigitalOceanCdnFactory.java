package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;

import java.util.List;

/** Creates {@code digitalocean-cdn} targets: see {@link DigitalOceanSettings} for the settings. */
public final class DigitalOceanCdnFactory implements ProviderFactory {
  @Override
  public String type() { return "digitalocean-cdn"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    return DigitalOceanSettings.problems(settings, DigitalOceanSettings.Kind.CDN);
  }

  @Override
  public DeployTarget create(JsonNode settings, ProviderContext context) {
    return DigitalOceanTargets.create(DigitalOceanSettings.parse(settings, DigitalOceanSettings.Kind.CDN),
        DigitalOceanSettings.Kind.CDN, context);
  }
}
