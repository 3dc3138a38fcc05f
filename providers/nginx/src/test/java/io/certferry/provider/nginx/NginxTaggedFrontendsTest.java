package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.deploy.HostInventory.Host;
import io.certferry.core.internal.StatusReader;
import io.certferry.core.testing.MemoryStore;
import io.certferry.core.testing.TestPki;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Frontends found in an inventory on every pass, deployed by the engine's Deployer to two real nginx servers:
 * one booted from the image (serving the image's old certificate) gets the current one on its first pass, and a
 * removed one drops out of the record the status is read from.
 */
class NginxTaggedFrontendsTest {
  private static final List<String> NAMES = List.of("a.test", "www.a.test");
  private static final TestPki.Ca CA = TestPki.root("Tagged frontends test CA");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private NginxProcess web1;
  private NginxProcess web2;
  private final CertificateBundle image = CA.leaf(NAMES);
  private final StubInventory inventory = new StubInventory();
  private final MemoryStore store = new MemoryStore();
  private Deployer deployer;

  @BeforeEach
  void start() throws Exception {
    web1 = NginxProcess.start(tmp.resolve("web1"), image);
    web2 = NginxProcess.start(tmp.resolve("web2"), image);
    deployer = Deployer.builder().store(store).build();
  }

  @AfterEach
  void stop() {
    deployer.close();
    web1.close();
    web2.close();
  }

  /** The frontend each droplet is: the same settings, this test's nginx prefix and port for the address. */
  private Frontend frontendOf(Host h) {
    NginxProcess n = h.name().equals("web-1") ? web1 : web2;
    Map<String, Object> s = new LinkedHashMap<>(NginxLocalDeployTest.settings(n));
    s.put("name", h.name());
    return NginxLocalDeployTest.target(s).frontends().get(0);
  }

  private NginxTarget target() {
    return NginxTarget.builder("web", ProviderContext.defaults(ref -> "unused")).frontendsFrom(inventory, this::frontendOf)
        .build();
  }

  private List<String> statusFrontends() {
    return StatusReader.target("web", store.deployments("www").target("web"), null).frontends();
  }

  @Test
  void aFrontendBootedFromTheImageGetsTheCurrentCertificateOnItsFirstPassAndARemovedOneDropsOut() throws Exception {
    NginxTarget target = target();
    CertificateBundle current = CA.leaf(NAMES);
    inventory.hosts = List.of(new Host("web-1", "10.110.0.11"));

    DeployOutcome first = deployer.deploy("www", current, List.of(target));
    assertThat(first.targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    assertThat(web1.servedSha256("a.test")).isEqualTo(current.sha256());
    assertThat(web2.servedSha256("a.test")).as("not tagged yet").isEqualTo(image.sha256());
    assertThat(statusFrontends()).containsExactly("web-1");

    DeployOutcome quiet = deployer.deploy("www", current, List.of(target));
    assertThat(quiet.targets().get(0).status()).as("same frontends, all serving it").isEqualTo(DeployOutcome.Status.ALREADY_IN_SYNC);

    inventory.hosts = List.of(new Host("web-1", "10.110.0.11"), new Host("web-2", "10.110.0.12")); // scaled out
    DeployOutcome scaled = deployer.deploy("www", current, List.of(target));
    assertThat(scaled.targets().get(0).status()).isEqualTo(DeployOutcome.Status.DEPLOYED);
    assertThat(web2.servedSha256("a.test")).isEqualTo(current.sha256());
    assertThat(scaled.targets().get(0).record().details().get("frontend.web-1")).startsWith("already_in_place");
    assertThat(scaled.targets().get(0).record().details().get("frontend.web-2")).startsWith("updated");
    assertThat(statusFrontends()).containsExactly("web-1", "web-2");

    inventory.hosts = List.of(new Host("web-2", "10.110.0.12")); // scaled in
    deployer.deploy("www", current, List.of(target));
    assertThat(statusFrontends()).containsExactly("web-2");
  }

  @Test
  void noTaggedDropletIsAFailureThatSaysSoAndIsRetried() {
    DeployException e = catchThrowableOfType(DeployException.class, () -> target().deploy(CA.leaf(NAMES)));
    assertThat(e).hasMessage("nginx target 'web': droplets tagged web (stub): none found, so there is nothing to "
        + "deploy to yet; tag the droplets (active ones are found on the next pass)");
    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void theSharedSettingsMakeEachFoundFrontend() throws Exception {
    JsonNode s = JSON.readTree(("{'id': 'web', 'type': 'nginx', 'certificatePath': '/etc/nginx/tls/fullchain.pem',"
        + " 'keyPath': '/etc/nginx/tls/key.pem', 'serverNames': ['a.test'],"
        + " 'ssh': {'user': 'certferry', 'keyFile': '/etc/certferry/ssh/id_ed25519', 'knownHosts': '/etc/certferry/ssh/known_hosts'},"
        + " 'frontends': {'digitaloceanTag': 'web', 'token': '${env:DIGITALOCEAN_TOKEN}', 'addressFrom': 'private', 'port': 8443}}")
        .replace('\'', '"'));
    ProviderRegistry registry = ProviderRegistry.of(inventory.factory());
    assertThat(new NginxTargetFactory(registry).validate(s)).isEmpty();
    inventory.hosts = List.of(new Host("web-7", "10.110.0.17"));

    NginxTarget t = new NginxTargetFactory(registry).create(s, ProviderContext.builder(ref -> "unused").providers(registry).build());

    assertThat(inventory.created.toString()).isEqualTo("{\"type\":\"digitalocean-tag\",\"tag\":\"web\","
        + "\"token\":\"${env:DIGITALOCEAN_TOKEN}\",\"addressFrom\":\"private\"}");
    Frontend f = t.currentFrontends().get(0);
    assertThat(f.name()).isEqualTo("web-7");
    assertThat(f.ssh().orElseThrow().host()).isEqualTo("10.110.0.17");
    assertThat(f.ssh().orElseThrow().user()).isEqualTo("certferry");
    assertThat(f.address().orElseThrow()).hasToString("10.110.0.17:8443");
    assertThat(f.certificatePath()).isEqualTo("/etc/nginx/tls/fullchain.pem");
    assertThat(t.frontends()).isEmpty();
  }

  @Test
  void badTagBlocksAreReportedSettingBySetting() throws Exception {
    JsonNode s = JSON.readTree(("{'id': 'web', 'type': 'nginx', 'certificatePath': '/etc/nginx/tls/fullchain.pem',"
        + " 'keyPath': '/etc/nginx/tls/key.pem', 'address': '10.0.0.1:443',"
        + " 'frontends': {'digitaloceanTag': 'web', 'token': 'dop_v1_literal', 'port': 0, 'colour': 'blue'}}")
        .replace('\'', '"'));

    assertThat(new NginxTargetFactory(ProviderRegistry.of(inventory.factory())).validate(s)).contains(
        "nginx target 'web': unknown setting frontends.colour; known settings here are [addressFrom, apiUrl, digitaloceanTag, port, token]",
        "nginx target 'web': address comes from each droplet when frontends are found by tag; remove it and set "
            + "frontends.port to the port nginx answers TLS on (default 443)",
        "nginx target 'web': frontends found by tag are reached over SSH; give ssh: {user: ..., keyFile: ..., "
            + "knownHosts: ...} (each droplet's address is the host)",
        "nginx target 'web': frontends.port 0 is not a port number (1-65535)",
        "nginx target 'web': frontends: DigitalOcean tag web: setting 'token' must be a reference");
    assertThat(new NginxTargetFactory(ProviderRegistry.of()).validate(s)).contains("nginx target 'web': "
        + "frontends.digitaloceanTag needs the DigitalOcean provider (certferry-provider-digitalocean), which is not installed");
  }
}
