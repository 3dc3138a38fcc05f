package io.certferry.provider.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.HostInventory;

import java.util.List;

/**
 * Creates {@code type: nginx} targets. See {@code docs/nginx.md} for every setting; in short:
 *
 * <pre>
 * id: frontends
 * type: nginx
 * certificatePath: /etc/nginx/tls/fullchain.pem
 * keyPath: /etc/nginx/tls/key.pem
 * address: ... or per frontend
 * ssh: {user: certferry, keyFile: /etc/certferry/ssh/id_ed25519, knownHosts: /etc/certferry/ssh/known_hosts}
 * frontends:
 *   - {name: web1, ssh: {host: web1.example.org}, address: "web1.example.org:443"}
 *   - {name: web2, ssh: {host: web2.example.org}, address: "web2.example.org:443"}
 * # or, the droplets carrying a tag, found on every pass:
 * frontends: {digitaloceanTag: web, token: ${env:DIGITALOCEAN_TOKEN}, addressFrom: private, port: 443}
 * </pre>
 */
public final class NginxTargetFactory implements ProviderFactory {
  private final ProviderRegistry providers;

  /** The factory {@link java.util.ServiceLoader} makes: a tag's inventory is looked up among the installed plug-ins. */
  public NginxTargetFactory() { this(null); }

  /** A factory whose {@link #validate} looks up the inventory of a tag in {@code providers} (tests, embedding tools). */
  public NginxTargetFactory(ProviderRegistry providers) { this.providers = providers; }

  @Override
  public String type() { return "nginx"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    return NginxSettings.parse(settings, null, providers == null ? ProviderRegistry.installed() : providers).errors();
  }

  /**
   * The target on the context's clock, sleeper and TLS probe (what each frontend serves is proven by
   * handshake through it).
   *
   * @throws IllegalArgumentException listing every problem when the settings are invalid
   */
  @Override
  public NginxTarget create(JsonNode settings, ProviderContext context) {
    NginxSettings.Parsed parsed = NginxSettings.parse(settings, context.secrets(), context.providers());
    if (!parsed.errors().isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", parsed.errors()));
    }
    NginxTarget.Builder b = NginxTarget.builder(parsed.id(), context).frontends(parsed.frontends());
    if (parsed.tagged().isPresent()) {
      TaggedFrontends t = parsed.tagged().get();
      ProviderFactory f = context.providers().factory(HostInventory.class, TaggedFrontends.DIGITALOCEAN_TAG).orElseThrow();
      b.frontendsFrom((HostInventory) f.create(t.inventory(), context), h -> t.frontend(h, context.secrets()));
    }
    return b.build();
  }
}
