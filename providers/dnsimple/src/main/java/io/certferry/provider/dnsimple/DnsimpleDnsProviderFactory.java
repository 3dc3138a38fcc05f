package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.dns.DnsProvider;

import java.util.List;

/**
 * The {@code dnsimple} DNS provider for DNS-01 challenges. Settings: {@code token} (reference, required),
 * {@code account} (numeric id; discovered from an account token when absent), {@code sandbox},
 * {@code baseUrl}, {@code confirmDistribution}.
 */
public final class DnsimpleDnsProviderFactory implements ProviderFactory {
  @Override
  public String type() { return "dnsimple"; }

  @Override
  public Class<?> kind() { return DnsProvider.class; }

  @Override
  public List<String> validate(JsonNode settings) { return DnsimpleSettings.validate(settings); }

  @Override
  public DnsimpleDnsProvider create(JsonNode settings, ProviderContext context) {
    DnsimpleSettings s = DnsimpleSettings.parse(settings);
    return new DnsimpleDnsProvider(DnsimpleClients.create(s, context), s.confirmDistribution(), context.clock(),
        context.sleeper());
  }
}
