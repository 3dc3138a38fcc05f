package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.HostInventory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The droplets carrying a tag ({@code GET /v2/droplets?tag_name=}), as hosts for a target of several servers.
 * A droplet still booting ({@code new}) or switched off is left out until it is {@code active}; an active one
 * without the address asked for is an error that says which setting to change.
 */
final class DigitalOceanTagInventory implements HostInventory {
  private final DigitalOceanApi api;
  private final DigitalOceanTagSettings settings;

  DigitalOceanTagInventory(DigitalOceanApi api, DigitalOceanTagSettings settings) {
    this.api = api;
    this.settings = settings;
  }

  @Override
  public List<Host> hosts() throws DeployException {
    List<Host> out = new ArrayList<>();
    for (JsonNode d : api.droplets(settings.tag())) {
      if (!"active".equals(d.path("status").asText())) {
        continue;
      }
      String name = d.path("name").asText(d.path("id").asText());
      String kind = settings.privateAddress() ? "private" : "public";
      Optional<String> ip = address(d, kind);
      if (ip.isEmpty()) {
        throw new DeployException("droplet " + name + " (tagged " + settings.tag() + ") has no " + kind + " IPv4 address"
            + (settings.privateAddress() ? "; put it in a VPC or set addressFrom: public" : ""), false, null, null);
      }
      out.add(new Host(name, ip.get()));
    }
    out.sort(Comparator.comparing(Host::name));
    return out;
  }

  @Override
  public String describe() { return "DigitalOcean droplets tagged " + settings.tag(); }

  private static Optional<String> address(JsonNode droplet, String type) {
    for (JsonNode n : droplet.path("networks").path("v4")) {
      if (type.equals(n.path("type").asText()) && !n.path("ip_address").asText().isEmpty()) {
        return Optional.of(n.path("ip_address").asText());
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() { return "DigitalOceanTagInventory{" + settings.tag() + "}"; }
}
