package io.certferry.provider.dnsimple;

import io.certferry.core.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.issue.imported.PurchasedCertificateSource;

import java.time.Clock;
import java.util.List;

/**
 * The {@code dnsimple} source of purchased certificates ({@code certferry import --from dnsimple}). Same
 * settings as the DNS provider; {@code confirmDistribution} has no effect here.
 */
public final class DnsimpleCertificateSourceFactory implements ProviderFactory {
  @Override
  public String type() { return "dnsimple"; }

  @Override
  public Class<?> kind() { return PurchasedCertificateSource.class; }

  @Override
  public List<String> validate(JsonNode settings) { return DnsimpleSettings.validate(settings); }

  @Override
  public DnsimpleCertificateSource create(JsonNode settings, Secrets secrets) {
    return create(settings, secrets, Clock.systemUTC(), Sleeper.SYSTEM);
  }

  /** As {@link #create(JsonNode, Secrets)}, with the time source retries and rate-limit waits use. */
  DnsimpleCertificateSource create(JsonNode settings, Secrets secrets, Clock clock, Sleeper sleeper) {
    return new DnsimpleCertificateSource(DnsimpleClients.create(DnsimpleSettings.parse(settings), secrets, clock,
        sleeper));
  }
}
