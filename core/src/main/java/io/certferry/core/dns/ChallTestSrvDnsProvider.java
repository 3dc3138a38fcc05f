package io.certferry.core.dns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A {@link DnsProvider} for tests and local development: writes TXT records into
 * pebble-challtestsrv's management API ({@code POST /set-txt}, {@code POST /clear-txt}).
 * challtestsrv keeps one list per name, so {@link #delete} clears the name's TXT values.
 *
 * @since 0.1
 */
public final class ChallTestSrvDnsProvider implements DnsProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI managementUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param managementUrl e.g. {@code http://127.0.0.1:8055} */
  public ChallTestSrvDnsProvider(URI managementUrl) {
    this.managementUrl = managementUrl;
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
    URI uri = managementUrl.resolve(path);
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new DnsException("pebble-challtestsrv " + uri + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new DnsException("pebble-challtestsrv " + uri + " unreachable (" + e.getMessage() + "); is it running?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DnsException("interrupted while calling pebble-challtestsrv", e);
    }
  }

  private static String dotted(String fqdn) {
    return fqdn.endsWith(".") ? fqdn : fqdn + ".";
  }
}
