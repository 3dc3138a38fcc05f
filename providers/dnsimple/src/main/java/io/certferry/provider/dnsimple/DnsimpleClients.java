package io.certferry.provider.dnsimple;

import io.certferry.core.Secrets;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.Sleeper;


import java.time.Clock;

/** Builds a {@link DnsimpleClient} from settings: the one place the token is resolved and the HTTP layer set up. */
final class DnsimpleClients {
  private DnsimpleClients() {}

  static DnsimpleClient create(DnsimpleSettings settings, Secrets secrets, Clock clock, Sleeper sleeper) {
    HttpApi api = HttpApi.builder()
        .baseUrl(settings.baseUrl())
        .bearerToken(secrets.resolve(settings.tokenReference()))
        .userAgent("certferry-dnsimple/0.1")
        .clock(clock)
        .sleeper(sleeper)
        // HttpApi never lets OkHttp re-send a POST; a create whose answer was lost is resolved by
        // DnsimpleDnsProvider (look it up, then resend once).
        .build();
    return new DnsimpleClient(api, settings.account());
  }
}
