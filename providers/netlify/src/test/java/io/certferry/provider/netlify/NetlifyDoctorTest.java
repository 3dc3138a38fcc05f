package io.certferry.provider.netlify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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

/** {@code doctor}'s look at a Netlify site against the contract-validated fake: the site exists, its domain is covered. */
class NetlifyDoctorTest {
  private static final String TOKEN = "nfp_0123456789abcdefABCDEF0123456789";
  private static final String SITE = "3970e0fe-8564-4903-9a55-c5f8de49fb8b";

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private final FakeNetlify fake = new FakeNetlify(TOKEN);
  private ContractValidatingDispatcher contract;

  @BeforeEach
  void start() throws Exception {
    contract = ContractValidator.forSpec("netlify/swagger.yml").validating(fake);
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    fake.addSite(SITE, "docs.example.org");
    fake.addSite("bare-site", null);
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
    assertThat(fake.calls).allMatch(c -> c.startsWith("GET "));
  }

  private List<CheckResult> diagnose(String site, String token, List<String> names) throws Exception {
    ObjectNode s = json.createObjectNode().put("id", "docs").put("type", "netlify").put("token", "${env:NETLIFY_TOKEN}")
        .put("apiUrl", server.url("/api/v1").toString()).put("siteId", site).put("verify", false);
    Object target = new NetlifyFactory().create(s, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("NETLIFY_TOKEN", token))).clock(time).sleeper(time).build());
    return ((Diagnosable) target).diagnose(names);
  }

  @Test
  void theSiteExistsAndItsCustomDomainIsOneOfTheNames() throws Exception {
    List<CheckResult> r = diagnose(SITE, TOKEN, List.of("*.example.org"));

    assertThat(r).extracting(CheckResult::status).containsOnly(CheckResult.Status.OK);
    assertThat(r).extracting(CheckResult::message).containsExactly("exists, custom domain docs.example.org",
        "docs.example.org is one of the certificate's names");
  }

  @Test
  void aDomainTheCertificateDoesNotCoverFails() throws Exception {
    CheckResult r = diagnose(SITE, TOKEN, List.of("www.example.org")).get(1);

    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.fix().orElseThrow()).startsWith("add docs.example.org to the certificate's domains");
  }

  @Test
  void anUnknownSiteARefusedTokenAndASiteWithoutDomainFailWithTheirFix() throws Exception {
    CheckResult unknown = diagnose("no-such-site", TOKEN, List.of("docs.example.org")).get(0);
    assertThat(unknown.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(unknown.message()).contains("check the target's siteId");

    CheckResult refused = diagnose(SITE, "nfp_revoked", List.of("docs.example.org")).get(0);
    assertThat(refused.message()).contains("is invalid or revoked");
    assertThat(refused.toString()).doesNotContain("nfp_revoked").doesNotContain(TOKEN);

    CheckResult bare = diagnose("bare-site", TOKEN, List.of("docs.example.org")).get(0);
    assertThat(bare.message()).contains("has no custom domain");
  }
}
