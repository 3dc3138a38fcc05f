package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.HostInventory;

import java.util.List;

/**
 * Creates {@code digitalocean-tag} host inventories (the droplets carrying a tag) for targets of several
 * servers, such as an nginx target's {@code frontends: {digitaloceanTag: web, ...}}.
 */
public final class DigitalOceanTagFactory implements ProviderFactory {
  /** The {@code type:} of this inventory. */
  public static final String TYPE = "digitalocean-tag";

  @Override
  public String type() { return TYPE; }

  @Override
  public Class<?> kind() { return HostInventory.class; }

  @Override
  public List<String> validate(JsonNode settings) { return DigitalOceanTagSettings.problems(settings); }

  @Override
  public HostInventory create(JsonNode settings, ProviderContext context) {
    DigitalOceanTagSettings s = DigitalOceanTagSettings.parse(settings);
    return new DigitalOceanTagInventory(DigitalOceanTargets.api(s.apiUrl(), s.tokenReference(), context), s);
  }
}
