package io.certferry.provider.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployTarget;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class DigitalOceanFactoryTest {
  private final ObjectMapper json = new ObjectMapper();

  private static ProviderFactory factory(String type) {
    return ServiceLoader.load(ProviderFactory.class).stream().map(ServiceLoader.Provider::get)
        .filter(p -> p.type().equals(type)).findFirst().orElseThrow();
  }

  @Test
  void bothTypesAreRegistered() {
    assertThat(factory("digitalocean-lb").kind()).isEqualTo(DeployTarget.class);
    assertThat(factory("digitalocean-cdn").kind()).isEqualTo(DeployTarget.class);
  }

  @Test
  void everyProblemIsReportedNamingTheSetting() {
    ObjectNode lb = json.createObjectNode().put("id", "do-lb").put("token", "dop_v1_literal").put("lineage", "Bad Name");
    lb.putArray("entryPorts").add(443).add(99999);

    List<String> problems = factory("digitalocean-lb").validate(lb);

    assertThat(problems).hasSize(4)
        .anySatisfy(p -> assertThat(p).contains("target do-lb: setting 'token' must be a reference"))
        .anySatisfy(p -> assertThat(p).contains("'loadBalancerId' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'lineage' must be"))
        .anySatisfy(p -> assertThat(p).contains("'entryPorts' holds '99999'"));
    assertThat(String.join(" ", problems)).doesNotContain("dop_v1_literal");

    List<String> cdn = factory("digitalocean-cdn").validate(json.createObjectNode().put("token", "${env:DO}"));
    assertThat(cdn).anySatisfy(p -> assertThat(p).contains("'id' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'endpointId' is missing"))
        .anySatisfy(p -> assertThat(p).contains("'customDomain' is missing"));
  }

  @Test
  void validSettingsCreateATargetAndAnUnsetTokenIsNamed() {
    ObjectNode lb = json.createObjectNode().put("id", "do-lb").put("token", "${env:DO_TOKEN}")
        .put("loadBalancerId", "4de7ac8b-495b-4884-9a69-1050c6793cd6");
    assertThat(factory("digitalocean-lb").validate(lb)).isEmpty();

    DeployTarget t = (DeployTarget) factory("digitalocean-lb").create(lb,
        ProviderContext.defaults(ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", "dop_v1_secretvalue"))));
    assertThat(t.id()).isEqualTo("do-lb");
    assertThat(t.toString()).doesNotContain("dop_v1_secretvalue");

    assertThatThrownBy(() -> factory("digitalocean-lb").create(lb,
        ProviderContext.defaults(ReferenceSecrets.withEnvironment(Map.of()))))
        .hasMessageContaining("environment variable DO_TOKEN is not set");
  }
}
