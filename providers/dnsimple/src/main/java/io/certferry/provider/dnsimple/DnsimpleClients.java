package io.certferry.provider.dnsimple;

import io.certferry.core.Secrets;

/** Builds a {@link DnsimpleClient} from settings: the one place the token is resolved and the transport chosen. */
final class DnsimpleClients {
  private DnsimpleClients() {}

  static DnsimpleClient create(DnsimpleSettings settings, Secrets secrets) {
    String token = secrets.resolve(settings.tokenReference());
    return new DnsimpleClient(new OkHttpDnsimpleTransport(settings.baseUrl(), token), settings.account());
  }
}
