package io.certferry.provider.netlify;

import io.certferry.core.deploy.EndpointCheck;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.Sleeper;

import java.time.Clock;
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
  public DeployTarget create(JsonNode settings, Secrets secrets) {
    return create(NetlifySettings.parse(settings), secrets, Clock.systemUTC(), Sleeper.SYSTEM, TlsProbe.withDefaults());
  }

  static DeployTarget create(NetlifySettings s, Secrets secrets, Clock clock, Sleeper sleeper, TlsProbe probe) {
    HttpApi http = HttpApi.builder()
        .baseUrl(s.apiUrl())
        .bearerToken(secrets.resolve(s.tokenReference()))
        .userAgent("certferry (+https://github.com/certferry)")
        .clock(clock)
        .sleeper(sleeper)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .build();
    return new NetlifySiteTarget(s, http, new EndpointCheck(s.verify(), s.verifyHost(), s.verifyPort(), s.serverName(), probe), clock);
  }
}
