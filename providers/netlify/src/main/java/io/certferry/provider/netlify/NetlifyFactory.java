package io.certferry.provider.netlify;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.EndpointCheck;
import io.certferry.core.http.HttpApi;

import java.time.Duration;
import java.util.List;

/** Creates {@code netlify} targets: see {@link NetlifySettings} for the settings. */
public final class NetlifyFactory implements ProviderFactory {
  @Override
  public String type() { return "netlify"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) { return NetlifySettings.problems(settings); }

  @Override
  public DeployTarget create(JsonNode settings, ProviderContext context) {
    NetlifySettings s = NetlifySettings.parse(settings);
    HttpApi http = HttpApi.builder()
        .baseUrl(s.apiUrl())
        .bearerToken(context.secrets().resolve(s.tokenReference()))
        .userAgent("certferry (+https://github.com/certferry)")
        .context(context)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .build();
    EndpointCheck tls = new EndpointCheck(s.verify(), s.verifyHost(), s.verifyPort(), s.serverName(), context.tlsProbe());
    return new NetlifySiteTarget(s, http, tls, context.clock());
  }
}
