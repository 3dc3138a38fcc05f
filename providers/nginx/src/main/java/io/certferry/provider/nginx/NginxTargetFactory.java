package io.certferry.provider.nginx;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;

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
 * </pre>
 */
public final class NginxTargetFactory implements ProviderFactory {
  @Override
  public String type() { return "nginx"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    return NginxSettings.parse(settings, null).errors();
  }

  /**
   * The target on the context's clock, sleeper and TLS probe (what each frontend serves is proven by
   * handshake through it).
   *
   * @throws IllegalArgumentException listing every problem when the settings are invalid
   */
  @Override
  public NginxTarget create(JsonNode settings, ProviderContext context) {
    NginxSettings.Parsed parsed = NginxSettings.parse(settings, context.secrets());
    if (!parsed.errors().isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", parsed.errors()));
    }
    return NginxTarget.builder(parsed.id(), context).frontends(parsed.frontends()).build();
  }
}
