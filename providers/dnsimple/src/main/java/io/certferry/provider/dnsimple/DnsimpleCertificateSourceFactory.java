package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.issue.imported.PurchasedCertificateSource;

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
  public DnsimpleCertificateSource create(JsonNode settings, ProviderContext context) {
    return new DnsimpleCertificateSource(DnsimpleClients.create(DnsimpleSettings.parse(settings), context));
  }
}
