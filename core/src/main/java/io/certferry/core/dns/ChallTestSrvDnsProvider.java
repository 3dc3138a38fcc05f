package io.certferry.core.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiBuilder;
import io.certferry.core.http.HttpApiException;

import java.net.URI;
import java.time.Duration;

/**
 * A {@link DnsProvider} for tests and local development: writes TXT records into
 * pebble-challtestsrv's management API ({@code POST /set-txt}, {@code POST /clear-txt}), over the
 * shared HTTP layer. challtestsrv keeps one list per name, so {@link #delete} clears the name's TXT
 * values.
 *
 * @since 0.1
 */
public final class ChallTestSrvDnsProvider implements DnsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI managementUrl;
  private final HttpApi http;

  /** @param managementUrl e.g. {@code http://127.0.0.1:8055}; on the system clock */
  public ChallTestSrvDnsProvider(URI managementUrl) {
    this(managementUrl, HttpApi.builder());
  }

  /** As built by its factory: on the context's clock, sleeper and HTTP client. */
  ChallTestSrvDnsProvider(URI managementUrl, ProviderContext context) {
    this(managementUrl, HttpApi.builder().context(context));
  }

  private ChallTestSrvDnsProvider(URI managementUrl, HttpApiBuilder http) {
    this.managementUrl = managementUrl;
    this.http = http.baseUrl(managementUrl.toString()).userAgent("certferry-challtestsrv/0.1")
        .timeout(Duration.ofSeconds(10)).build();
  }

  @Override
  public DnsRecordHandle createTxt(String fqdn, String value) throws DnsException {
    ObjectNode body = JSON.createObjectNode().put("host", dotted(fqdn)).put("value", value);
    post("/set-txt", body);
    return new DnsRecordHandle(fqdn, value, "", dotted(fqdn));
  }

  @Override
  public void delete(DnsRecordHandle handle) throws DnsException {
    post("/clear-txt", JSON.createObjectNode().put("host", dotted(handle.fqdn())));
  }

  private void post(String path, ObjectNode body) throws DnsException {
    try {
      http.send(ApiRequest.post(path).body(body).build());
    } catch (HttpApiException e) {
      throw new DnsException("pebble-challtestsrv " + managementUrl.resolve(path) + (e.status() == 0
          ? " unreachable (" + e.answer() + "); is it running?" : " answered " + e.answer()), e);
    }
  }

  private static String dotted(String fqdn) {
    return fqdn.endsWith(".") ? fqdn : fqdn + ".";
  }
}
