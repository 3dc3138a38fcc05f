package io.certferry.provider.digitalocean;

import io.certferry.core.deploy.EndpointCheck;

import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.Sleeper;
import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** Builds the two DigitalOcean targets from their settings; time and probe injectable for tests. */
final class DigitalOceanTargets {
  private DigitalOceanTargets() {}

  static DeployTarget create(DigitalOceanSettings s, DigitalOceanSettings.Kind kind, Secrets secrets,
                             Clock clock, Sleeper sleeper, TlsProbe probe) {
    String token = secrets.resolve(s.tokenReference());
    HttpApi http = HttpApi.builder()
        .baseUrl(s.apiUrl())
        .bearerToken(token)
        .userAgent("certferry (+https://github.com/certferry)")
        .clock(clock)
        .sleeper(sleeper)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .build();
    // The CDN limiter is per account: key it by URL and a digest of the token, never the token itself.
    String account = s.apiUrl() + "#" + Fingerprints.sha256(token.getBytes(StandardCharsets.UTF_8));
    DigitalOceanApi api = new DigitalOceanApi(http, s.tokenReference(), account);
    DigitalOceanCertificates certs = new DigitalOceanCertificates(api, clock, sleeper, Duration.ofMinutes(2));
    EndpointCheck tls = new EndpointCheck(s.verify(), s.verifyHost(), s.verifyPort(), s.serverName(), probe);
    return kind == DigitalOceanSettings.Kind.LOAD_BALANCER
        ? new DigitalOceanLoadBalancerTarget(s, api, certs, tls, clock, sleeper)
        : new DigitalOceanCdnTarget(s, api, certs, tls, clock);
  }
}
