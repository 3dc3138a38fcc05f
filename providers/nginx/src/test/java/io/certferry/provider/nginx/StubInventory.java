package io.certferry.provider.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.HostInventory;

import java.util.ArrayList;
import java.util.List;

/**
 * A host inventory whose hosts a test sets, registered as {@code digitalocean-tag} (the DigitalOcean provider's
 * type, which this module must not depend on); the inventory against DigitalOcean's API is tested there, and the
 * two together in the agent's end-to-end test.
 */
final class StubInventory implements HostInventory {
  volatile List<Host> hosts = new ArrayList<>();
  JsonNode created;

  @Override
  public List<Host> hosts() throws DeployException { return List.copyOf(hosts); }

  @Override
  public String describe() { return "droplets tagged web (stub)"; }

  /** A factory that hands out this inventory and checks only that the tag is named. */
  ProviderFactory factory() {
    StubInventory self = this;
    return new ProviderFactory() {
      @Override
      public String type() { return TaggedFrontends.DIGITALOCEAN_TAG; }

      @Override
      public Class<?> kind() { return HostInventory.class; }

      @Override
      public List<String> validate(JsonNode settings) {
        return settings.path("token").asText().startsWith("${") ? List.of()
            : List.of("DigitalOcean tag " + settings.path("tag").asText() + ": setting 'token' must be a reference");
      }

      @Override
      public Object create(JsonNode settings, ProviderContext context) {
        self.created = settings;
        return self;
      }
    };
  }
}
