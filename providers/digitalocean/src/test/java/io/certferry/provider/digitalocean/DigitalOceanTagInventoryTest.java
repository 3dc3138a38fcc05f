package io.certferry.provider.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.HostInventory;
import io.certferry.core.deploy.HostInventory.Host;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.FakeTime;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The droplets carrying a tag, as hosts. {@code GET /v2/droplets} is not in the trimmed OpenAPI file, so the
 * dispatcher lets it through to the fake, which checks the query against DigitalOcean's documentation.
 */
class DigitalOceanTagInventoryTest {
  private static final String TOKEN = "dop_v1_fedcba9876543210fedcba9876543210";
  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private FakeDigitalOcean fake;
  private ContractValidatingDispatcher contract;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDigitalOcean(TOKEN, time);
    contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml")
        .validating(fake, List.of("/v2/droplets"));
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
  }

  ObjectNode settings(String addressFrom) {
    ObjectNode s = json.createObjectNode().put("type", "digitalocean-tag").put("tag", "web").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString().replaceAll("/$", ""));
    return addressFrom == null ? s : s.put("addressFrom", addressFrom);
  }

  HostInventory inventory(ObjectNode s) {
    return new DigitalOceanTagFactory().create(s, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", TOKEN))).clock(time).sleeper(time).build());
  }

  @Test
  void activeTaggedDropletsAtTheirPrivateAddressesAcrossPages() throws Exception {
    fake.pageSize = 2;
    fake.addDroplet(11, "web-2", "web", "10.110.0.12", "203.0.113.12", "active");
    fake.addDroplet(10, "web-1", "web", "10.110.0.11", "203.0.113.11", "active");
    fake.addDroplet(12, "web-3", "web", "10.110.0.13", "203.0.113.13", "active");
    fake.addDroplet(13, "booting", "web", null, null, "new");
    fake.addDroplet(14, "db-1", "db", "10.110.0.20", "203.0.113.20", "active");

    List<Host> hosts = inventory(settings(null)).hosts();

    assertThat(hosts).containsExactly(new Host("web-1", "10.110.0.11"), new Host("web-2", "10.110.0.12"),
        new Host("web-3", "10.110.0.13"));
    assertThat(fake.calls).contains("GET /v2/droplets");
    assertThat(contract.requests()).extracting(r -> r.getUrl().queryParameter("page")).containsExactly("1", "2"); // four tagged, two a page
    assertThat(contract.requests()).allMatch(r -> "web".equals(r.getUrl().queryParameter("tag_name")));
    assertThat(contract.uncovered()).containsExactly("GET /v2/droplets", "GET /v2/droplets");
  }

  @Test
  void publicAddressesWhenAsked() throws Exception {
    fake.addDroplet(10, "web-1", "web", "10.110.0.11", "203.0.113.11", "active");
    assertThat(inventory(settings("public")).hosts()).containsExactly(new Host("web-1", "203.0.113.11"));
  }

  @Test
  void anActiveDropletWithoutAPrivateAddressSaysWhichSettingToChange() {
    fake.addDroplet(10, "web-1", "web", null, "203.0.113.11", "active");
    DeployException e = catchThrowableOfType(DeployException.class, () -> inventory(settings(null)).hosts());
    assertThat(e).hasMessage("droplet web-1 (tagged web) has no private IPv4 address; put it in a VPC or set addressFrom: public");
  }

  @Test
  void aRevokedTokenIsSaidSo() {
    HostInventory inv = new DigitalOceanTagFactory().create(settings(null), ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", "dop_v1_revoked"))).clock(time).sleeper(time).build());
    DeployException e = catchThrowableOfType(DeployException.class, inv::hosts);
    assertThat(e.getMessage()).contains("cannot list the droplets tagged web", "the token in ${env:DO_TOKEN} is invalid");
  }

  @Test
  void settingsProblemsNameTheSetting() {
    ObjectNode bad = json.createObjectNode().put("type", "digitalocean-tag").put("tag", "web servers")
        .put("token", "dop_v1_literal").put("addressFrom", "vpc").put("colour", "blue");
    assertThat(new DigitalOceanTagFactory().validate(bad)).containsExactlyInAnyOrder(
        "DigitalOcean tag web servers: unknown setting 'colour'; known: [addressFrom, apiUrl, tag, token, type]",
        "DigitalOcean tag web servers: setting 'tag' is not a DigitalOcean tag name (letters, digits, ':', '-', '_'), got 'web servers'",
        "DigitalOcean tag web servers: setting 'token' must be a reference such as ${env:DIGITALOCEAN_TOKEN} or "
            + "${file:/etc/certferry/do.token}, never the secret itself; move it into an environment variable or a 0600 file",
        "DigitalOcean tag web servers: setting 'addressFrom' must be private (the VPC address) or public, got 'vpc'");
  }
}
