package io.certferry.provider.dnsimple;

import io.certferry.core.ProviderContext;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.SlidingWindowLimiter;
import io.certferry.core.x509.Fingerprints;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Builds a {@link DnsimpleClient} from settings: the one place the token is resolved and the HTTP layer set up. */
final class DnsimpleClients {
  /** DNSimple's published limit for authenticated requests: 2,400 an hour per token. */
  static final int REQUESTS_PER_HOUR = 2400;

  private DnsimpleClients() {}

  static DnsimpleClient create(DnsimpleSettings settings, ProviderContext context) {
    String token = context.secrets().resolve(settings.tokenReference());
    // One budget per token for every DNSimple client of the process; keyed by a digest, never the token.
    String account = settings.baseUrl() + "#" + Fingerprints.sha256(token.getBytes(StandardCharsets.UTF_8));
    HttpApi api = HttpApi.builder()
        .baseUrl(settings.baseUrl())
        .bearerToken(token)
        .userAgent("certferry-dnsimple/0.1")
        .context(context)
        .limiter(SlidingWindowLimiter.perAccount(account, REQUESTS_PER_HOUR, Duration.ofHours(1)))
        // HttpApi never lets OkHttp re-send a POST; a create whose answer was lost is resolved by
        // DnsimpleDnsProvider (look it up, then resend once).
        .build();
    return new DnsimpleClient(api, settings.account());
  }
}
