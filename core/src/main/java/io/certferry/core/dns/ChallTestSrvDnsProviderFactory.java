package io.certferry.core.dns;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code type: pebble-challtestsrv}, settings {@code url: http://127.0.0.1:8055}. For tests and development.
 *
 * @since 0.1
 */
public final class ChallTestSrvDnsProviderFactory implements ProviderFactory {
  @Override
  public String type() { return "pebble-challtestsrv"; }

  @Override
  public Class<?> kind() { return DnsProvider.class; }

  @Override
  public List<String> validate(JsonNode settings) {
    List<String> problems = new ArrayList<>();
    String url = settings.path("url").asText("");
    if (url.isEmpty()) {
      problems.add("pebble-challtestsrv: url is missing; set it to the management API, e.g. http://127.0.0.1:8055");
    } else if (!url.startsWith("http://") && !url.startsWith("https://")) {
      problems.add("pebble-challtestsrv: url " + url + " is not an http(s) URL");
    }
    return problems;
  }

  @Override
  public Object create(JsonNode settings, ProviderContext context) {
    List<String> problems = validate(settings);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new ChallTestSrvDnsProvider(URI.create(settings.path("url").asText()), context);
  }
}
