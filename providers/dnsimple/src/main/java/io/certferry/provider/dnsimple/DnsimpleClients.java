package io.certferry.provider.dnsimple;

import io.certferry.core.Secrets;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.Sleeper;

import okhttp3.OkHttpClient;

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
        // OkHttp by default silently re-sends a request, POST included, when a pooled connection drops;
        // a record create sent twice leaves a TXT record nobody knows the id of. HttpApi's own bounded
        // retries cover reads; a lost create is resolved by DnsimpleDnsProvider (look up, then resend).
        .okHttpClient(new OkHttpClient.Builder().retryOnConnectionFailure(false).build())
        .build();
    return new DnsimpleClient(api, settings.account());
  }
}
