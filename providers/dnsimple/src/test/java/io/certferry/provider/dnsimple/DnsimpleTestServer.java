package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.testing.FakeTime;
import mockwebserver3.MockWebServer;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@link FakeDnsimple} on a loopback MockWebServer, and settings pointing at it. */
public final class DnsimpleTestServer implements AutoCloseable {
  public final FakeDnsimple fake;
  public final MockWebServer server = new MockWebServer();

  public DnsimpleTestServer(FakeDnsimple fake) throws IOException {
    this.fake = fake;
    DnsimpleContract.validator();
    server.setDispatcher(fake);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  public String baseUrl() { return server.url("/v2").toString(); }

  /** Settings with the token by reference, the base URL of this server and the given account (or none). */
  public ObjectNode settings(Long account) {
    ObjectNode s = new ObjectMapper().createObjectNode()
        .put("token", "${env:DNSIMPLE_TOKEN}")
        .put("baseUrl", baseUrl());
    if (account != null) {
      s.put("account", account);
    }
    return s;
  }

  public static Secrets secrets() {
    return ReferenceSecrets.withEnvironment(Map.of("DNSIMPLE_TOKEN", FakeDnsimple.TOKEN));
  }

  /** The fake's token by reference, on virtual time: retries and waits advance {@code time} instead of sleeping. */
  public static ProviderContext context(FakeTime time) {
    return ProviderContext.builder(secrets()).clock(time).sleeper(time).build();
  }

  @Override
  public void close() {
    server.close();
    assertThat(fake.violations()).as("requests the DNSimple OpenAPI description rejects").isEmpty();
  }
}
