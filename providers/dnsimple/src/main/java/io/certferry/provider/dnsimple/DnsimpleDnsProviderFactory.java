package io.certferry.provider.dnsimple;

import io.certferry.core.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.dns.DnsProvider;

import java.time.Clock;
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
  public DnsimpleDnsProvider create(JsonNode settings, Secrets secrets) {
    return create(settings, secrets, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** As {@link #create(JsonNode, Secrets)}, with the time source that retries and the distribution wait use. */
  DnsimpleDnsProvider create(JsonNode settings, Secrets secrets, Clock clock, Sleeper sleeper) {
    DnsimpleSettings s = DnsimpleSettings.parse(settings);
    return new DnsimpleDnsProvider(DnsimpleClients.create(s, secrets, clock, sleeper), s.confirmDistribution(), clock, sleeper);
  }
}
