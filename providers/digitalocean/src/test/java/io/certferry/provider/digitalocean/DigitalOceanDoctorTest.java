package io.certferry.provider.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Diagnosable;
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
 * {@code doctor}'s look at DigitalOcean targets against the fake (requests validated against the OpenAPI file where
 * it has the path; {@code /v2/account} is not in the trimmed file, so the fake checks it): the token by
 * {@code GET /v2/account}, the load balancer and its HTTPS rules, the CDN endpoint and its custom domain. Reads only.
 */
class DigitalOceanDoctorTest {
  private static final String TOKEN = "dop_v1_0123456789abcdef0123456789abcdef";
  private static final String LB_ID = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String CDN_ID = "19f06b6a-3ace-4315-b086-499a0e521b76";
  private static final List<String> NAMES = List.of("social.example.org", "media.example.org");

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private FakeDigitalOcean fake;
  private ContractValidatingDispatcher contract;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDigitalOcean(TOKEN, time);
    contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(fake, List.of("/v2/account"));
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    String cert = fake.addCertificate("bought", "custom", "aa".repeat(20)).get("id").asText();
    ArrayNode rules = json.createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", cert).put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http").put("entry_port", 80).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", "").put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http3").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", cert).put("tls_passthrough", false);
    fake.addLoadBalancer(LB_ID, null, rules);
    fake.addCdnEndpoint(CDN_ID, "media.example.org", cert);
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
    assertThat(contract.uncovered()).allMatch(r -> r.equals("GET /v2/account"));
    assertThat(fake.calls).allMatch(c -> c.startsWith("GET "));
  }

  private ObjectNode lb() {
    return json.createObjectNode().put("id", "do-lb").put("type", "digitalocean-lb").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("loadBalancerId", LB_ID).put("verify", false);
  }

  private ObjectNode cdn(String domain) {
    return json.createObjectNode().put("id", "do-cdn").put("type", "digitalocean-cdn").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("endpointId", CDN_ID).put("customDomain", domain)
        .put("verify", false);
  }

  private List<CheckResult> diagnose(ObjectNode settings, String token) throws Exception {
    DigitalOceanSettings.Kind kind = settings.get("type").asText().equals("digitalocean-lb")
        ? DigitalOceanSettings.Kind.LOAD_BALANCER : DigitalOceanSettings.Kind.CDN;
    Object target = DigitalOceanTargets.create(DigitalOceanSettings.parse(settings, kind), kind, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", token))).clock(time).sleeper(time).build());
    return ((Diagnosable) target).diagnose(NAMES);
  }

  private static CheckResult about(List<CheckResult> results, String subject) {
    return results.stream().filter(r -> r.subject().equals(subject)).findFirst().orElseThrow();
  }

  @Test
  void aLoadBalancerWithHttpsRulesAndAGoodTokenIsOk() throws Exception {
    List<CheckResult> r = diagnose(lb(), TOKEN);

    assertThat(r).allMatch(x -> x.status() == CheckResult.Status.OK, r.toString());
    assertThat(about(r, "token ${env:DO_TOKEN}").message()).isEqualTo("accepted (account active)");
    assertThat(about(r, "forwarding rules").message()).isEqualTo("https 443, http3 443");
    assertThat(fake.calls).contains("GET /v2/account");
    assertThat(r.toString()).doesNotContain(TOKEN);
  }

  @Test
  void aRefusedTokenFailsWithWhereToMakeANewOneAndNothingElseIsAsked() throws Exception {
    List<CheckResult> r = diagnose(lb(), "dop_v1_revoked000000000000000000000000");

    assertThat(r).singleElement().satisfies(x -> {
      assertThat(x.status()).isEqualTo(CheckResult.Status.FAIL);
      assertThat(x.message()).contains("cannot read the account", "is invalid, expired or revoked");
      assertThat(x.fix().orElseThrow()).contains("https://cloud.digitalocean.com/account/api/tokens", "${env:DO_TOKEN}");
    });
    assertThat(r.toString()).doesNotContain("dop_v1_revoked");
    assertThat(fake.calls).noneMatch(c -> c.contains("load_balancers"));
  }

  @Test
  void aLockedAccountWarns() throws Exception {
    fake.accountStatus = "locked";

    CheckResult r = about(diagnose(lb(), TOKEN), "token ${env:DO_TOKEN}");

    assertThat(r.status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(r.message()).isEqualTo("accepted, but the account is locked");
  }

  @Test
  void anUnknownLoadBalancerAndOneWithoutTlsRulesFail() throws Exception {
    CheckResult missing = about(diagnose(lb().put("loadBalancerId", "00000000-0000-4000-8000-000000000000"), TOKEN),
        "load balancer");
    assertThat(missing.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(missing.fix().orElseThrow()).contains("doctl compute load-balancer list");

    ObjectNode onOtherPort = lb();
    onOtherPort.putArray("entryPorts").add(8443);
    CheckResult noRules = about(diagnose(onOtherPort, TOKEN), "forwarding rules");
    assertThat(noRules.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(noRules.message()).isEqualTo("no https/http2/http3 rule on entry ports [8443]");
    assertThat(noRules.fix().orElseThrow()).contains("add an HTTPS forwarding rule");
  }

  @Test
  void theCdnEndpointExistsWithItsCustomDomainCoveredByTheCertificate() throws Exception {
    List<CheckResult> ok = diagnose(cdn("media.example.org"), TOKEN);
    assertThat(ok).allMatch(x -> x.status() == CheckResult.Status.OK, ok.toString());
    assertThat(about(ok, "CDN endpoint").message()).isEqualTo(CDN_ID
        + " (media.ams3.digitaloceanspaces.com) exists with custom domain media.example.org");

    List<CheckResult> other = diagnose(cdn("cdn.example.org"), TOKEN);
    assertThat(about(other, "CDN endpoint").status()).isEqualTo(CheckResult.Status.WARN);
    assertThat(about(other, "CDN endpoint").message()).contains("serves custom domain media.example.org; the first deploy "
        + "changes it to cdn.example.org");
    assertThat(about(other, "custom domain").status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(about(other, "custom domain").fix().orElseThrow()).startsWith("add cdn.example.org to the certificate's domains");
  }

  @Test
  void anUnknownCdnEndpointFails() throws Exception {
    ObjectNode s = cdn("media.example.org").put("endpointId", "00000000-0000-4000-8000-000000000000");

    CheckResult r = about(diagnose(s, TOKEN), "CDN endpoint");

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.fix().orElseThrow()).contains("doctl compute cdn list");
  }
}
