package io.certferry.provider.dnsimple;

import io.certferry.core.ProviderContext;
import io.certferry.core.http.HttpApi;

/** Builds a {@link DnsimpleClient} from settings: the one place the token is resolved and the HTTP layer set up. */
final class DnsimpleClients {
  private DnsimpleClients() {}

  static DnsimpleClient create(DnsimpleSettings settings, ProviderContext context) {
    HttpApi api = HttpApi.builder()
        .baseUrl(settings.baseUrl())
        .bearerToken(context.secrets().resolve(settings.tokenReference()))
        .userAgent("certferry-dnsimple/0.1")
        .context(context)
        // HttpApi never lets OkHttp re-send a POST; a create whose answer was lost is resolved by
        // DnsimpleDnsProvider (look it up, then resend once).
        .build();
    return new DnsimpleClient(api, settings.account());
  }
}
