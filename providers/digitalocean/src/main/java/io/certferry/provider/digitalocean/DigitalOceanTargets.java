package io.certferry.provider.digitalocean;

import io.certferry.core.ProviderContext;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.EndpointCheck;
import io.certferry.core.http.HttpApi;
import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Builds the DigitalOcean targets and the account's API from their settings, on the context's time, HTTP client and probe. */
final class DigitalOceanTargets {
  private DigitalOceanTargets() {}

  static DeployTarget create(DigitalOceanSettings s, DigitalOceanSettings.Kind kind, ProviderContext context) {
    DigitalOceanApi api = api(s.apiUrl(), s.tokenReference(), context);
    DigitalOceanCertificates certs = new DigitalOceanCertificates(api, context.clock(), context.sleeper(),
        Duration.ofMinutes(2));
    EndpointCheck tls = new EndpointCheck(s.verify(), s.verifyHost(), s.verifyPort(), s.serverName(),
        context.tlsProbe());
    return kind == DigitalOceanSettings.Kind.LOAD_BALANCER
        ? new DigitalOceanLoadBalancerTarget(s, api, certs, tls, context.clock(), context.sleeper())
        : new DigitalOceanCdnTarget(s, api, certs, tls, context.clock());
  }

  /** The API of one account: the token resolved now, the context's HTTP client and time. */
  static DigitalOceanApi api(String apiUrl, String tokenReference, ProviderContext context) {
    String token = context.secrets().resolve(tokenReference);
    HttpApi http = HttpApi.builder()
        .baseUrl(apiUrl)
        .bearerToken(token)
        .userAgent("certferry (+https://github.com/certferry)")
        .context(context)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .build();
    // The CDN limiter is per account: key it by URL and a digest of the token, never the token itself.
    String account = apiUrl + "#" + Fingerprints.sha256(token.getBytes(StandardCharsets.UTF_8));
    return new DigitalOceanApi(http, tokenReference, account);
  }
}
