package io.certferry.provider.netlify;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.EndpointCheck;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.SharedReads;
import io.certferry.core.http.SlidingWindowLimiter;
import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Creates {@code netlify} targets: see {@link NetlifySettings} for the settings. Every target of one token
 * shares that token's budget (Netlify's 500 requests a minute, which its {@code X-RateLimit-*} headers also
 * report and the client counts down) and its reads within a pass.
 */
public final class NetlifyFactory implements ProviderFactory {
  /** Netlify's published limit per token (its {@code X-RateLimit-Limit}). */
  static final int PER_MINUTE = 500;
  /** How long a shared read may serve when no pass ends it (a door that starts none). */
  static final Duration READS_MAX_AGE = Duration.ofMinutes(5);

  @Override
  public String type() { return "netlify"; }

  @Override
  public Class<?> kind() { return DeployTarget.class; }

  @Override
  public List<String> validate(JsonNode settings) { return NetlifySettings.problems(settings); }

  @Override
  public DeployTarget create(JsonNode settings, ProviderContext context) {
    NetlifySettings s = NetlifySettings.parse(settings);
    String token = context.secrets().resolve(s.tokenReference());
    // Per account: keyed by URL and a digest of the token, never the token itself.
    String account = s.apiUrl() + "#" + Fingerprints.sha256(token.getBytes(StandardCharsets.UTF_8));
    HttpApi http = HttpApi.builder()
        .baseUrl(s.apiUrl())
        .bearerToken(token)
        .limiter(SlidingWindowLimiter.perAccount(account, PER_MINUTE, Duration.ofMinutes(1)))
        .userAgent("certferry (+https://github.com/certferry)")
        .context(context)
        .maxAttempts(4)
        .maxWait(Duration.ofMinutes(2))
        .build();
    EndpointCheck tls = new EndpointCheck(s.verify(), s.verifyHost(), s.verifyPort(), s.serverName(), context.tlsProbe());
    return new NetlifySiteTarget(s, http, tls, context.clock(),
        SharedReads.forAccount(account, context.clock(), READS_MAX_AGE));
  }
}
