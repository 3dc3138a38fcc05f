package io.certferry.provider.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.HostInventory;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An nginx target's frontends found by tag, {@code frontends: {digitaloceanTag: web, token: ${env:DIGITALOCEAN_TOKEN},
 * addressFrom: private, port: 443}}: the droplets carrying the tag, each reached over SSH at its address with the
 * settings the target's block gives once for all (paths, ssh user, key and known hosts, commands, serverNames),
 * and proven by handshake at its address and {@code port}. The tag is read through the {@code digitalocean-tag}
 * {@link HostInventory}, which the DigitalOcean provider registers, so this provider never depends on it.
 *
 * @param inventory the inventory's settings block ({@code type: digitalocean-tag}, tag, token, addressFrom, apiUrl)
 * @param template the settings every frontend shares (the target's block without id, type and frontends)
 */
record TaggedFrontends(String id, ObjectNode inventory, JsonNode template, int port) {
  /** Keys of {@code frontends:} when it names a tag instead of listing the frontends. */
  static final Set<String> KEYS = Set.of("digitaloceanTag", "token", "addressFrom", "apiUrl", "port");
  /** The inventory a {@code digitaloceanTag} is read through. */
  static final String DIGITALOCEAN_TAG = "digitalocean-tag";
  /** Stands in for a droplet while the shared settings are checked. */
  private static final HostInventory.Host PLACEHOLDER = new HostInventory.Host("tagged", "192.0.2.1");

  /** Reads the {@code frontends:} mapping of the block {@code settings}, recording problems in {@code n}. */
  static Optional<TaggedFrontends> parse(NginxSettings n, String id, JsonNode settings, JsonNode block,
                                         ProviderRegistry providers) {
    n.unknownKeys(block, KEYS, "frontends.");
    Optional<String> tag = n.text(block, "digitaloceanTag");
    if (tag.isEmpty()) {
      n.error("frontends must list the frontends, or name where they are found: frontends: "
          + "{digitaloceanTag: web, token: ${env:DIGITALOCEAN_TOKEN}, addressFrom: private}");
      return Optional.empty();
    }
    if (settings.has("address")) {
      n.error("address comes from each droplet when frontends are found by tag; remove it and set frontends.port to "
          + "the port nginx answers TLS on (default 443)");
    }
    if (!settings.path("ssh").isObject()) {
      n.error("frontends found by tag are reached over SSH; give ssh: {user: ..., keyFile: ..., knownHosts: ...} "
          + "(each droplet's address is the host)");
    }
    int port = 443;
    JsonNode p = block.get("port");
    if (p != null && (!p.isIntegralNumber() || p.asInt() < 1 || p.asInt() > 65535)) {
      n.error("frontends.port " + p + " is not a port number (1-65535)");
    } else if (p != null) {
      port = p.asInt();
    }
    ObjectNode inventory = ((ObjectNode) block).objectNode().put("type", DIGITALOCEAN_TAG).put("tag", tag.get());
    for (String k : List.of("token", "addressFrom", "apiUrl")) {
      if (block.has(k)) {
        inventory.set(k, block.get(k));
      }
    }
    Optional<ProviderFactory> f = providers.factory(HostInventory.class, DIGITALOCEAN_TAG);
    if (f.isEmpty()) {
      n.error("frontends.digitaloceanTag needs the DigitalOcean provider (certferry-provider-digitalocean), which is not "
          + "installed");
    } else {
      f.get().validate(inventory).forEach(m -> n.error("frontends: " + m));
    }
    ObjectNode template = ((ObjectNode) settings).deepCopy();
    NginxSettings.TOP_ONLY.forEach(template::remove);
    n.frontend(withHost(template, PLACEHOLDER, port), ""); // the shared settings, checked once now
    return Optional.of(new TaggedFrontends(id, inventory, template, port));
  }

  /** The frontend of one host: named after it, reached over SSH at its address, proven at address:port. */
  Frontend frontend(HostInventory.Host h, Secrets secrets) {
    NginxSettings n = new NginxSettings(secrets, ProviderRegistry.of());
    n.target(id);
    Optional<Frontend> f = n.frontend(withHost(template, h, port), "");
    if (f.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", n.errors()));
    }
    return f.get();
  }

  /** The shared settings with one host filled in: its name, the SSH host and the address to prove. */
  private static JsonNode withHost(JsonNode template, HostInventory.Host h, int port) {
    ObjectNode s = ((ObjectNode) template).deepCopy();
    s.put("name", h.name());
    ObjectNode ssh = s.path("ssh").isObject() ? (ObjectNode) s.get("ssh") : s.putObject("ssh");
    ssh.put("host", h.address());
    s.put("address", (h.address().contains(":") ? "[" + h.address() + "]" : h.address()) + ":" + port);
    return s;
  }
}
