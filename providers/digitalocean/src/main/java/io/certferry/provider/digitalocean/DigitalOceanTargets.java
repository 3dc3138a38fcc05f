package io.certferry.provider.digitalocean;

import io.certferry.core.ProviderContext;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.EndpointCheck;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.SharedReads;
import io.certferry.core.http.SlidingWindowLimiter;
import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds the DigitalOcean targets and the account's API from their settings, on the context's time, HTTP client
 * and probe. Everything on one token shares that token's budget (DigitalOcean's published 250 requests a minute
 * and 5,000 an hour, and 5 per 10 s for CDN endpoints), its reads within a pass and its write locks.
 */
final class DigitalOceanTargets {
  static final int PER_MINUTE = 250;
  static final int PER_HOUR = 5000;
  /** How long a shared read may serve when no pass ends it (a door that starts none). */
  static final Duration READS_MAX_AGE = Duration.ofMinutes(5);
  private static final Map<String, Map<String, Object>> WRITE_LOCKS = new ConcurrentHashMap<>();

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

  /**
   * The API of one account: the token resolved now, the context's HTTP client and time, and the account's shared
   * budget, reads and write locks (one per URL and token in the process).
   */
  static DigitalOceanApi api(String apiUrl, String tokenReference, ProviderContext context) {
    String token = context.secrets().resolve(tokenReference);
    // Per account: keyed by URL and a digest of the token, never the token itself.
    String account = apiUrl + "#" + Fingerprints.sha256(token.getBytes(StandardCharsets.UTF_8));
    HttpApi http = HttpApi.builder()
        .baseUrl(apiUrl)
        .bearerToken(token)
        .userAgent("certferry (+https://github.com/certferry)")
        .context(context)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .limiter(SlidingWindowLimiter.perAccount(account, PER_MINUTE, Duration.ofMinutes(1)))
        .limiter(SlidingWindowLimiter.perAccount(account, PER_HOUR, Duration.ofHours(1)))
        .build();
    return new DigitalOceanApi(http, tokenReference, SlidingWindowLimiter.perAccount(account, 5, Duration.ofSeconds(10)),
        SharedReads.forAccount(account, context.clock(), READS_MAX_AGE),
        WRITE_LOCKS.computeIfAbsent(account, k -> new ConcurrentHashMap<>()));
  }
}
