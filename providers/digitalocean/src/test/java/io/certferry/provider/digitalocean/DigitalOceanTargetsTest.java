package io.certferry.provider.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.PassAware;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.TestPki;
import io.certferry.core.testing.TlsTestServer;
import io.certferry.core.x509.Fingerprints;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DigitalOceanTargetsTest {
  private static final String TOKEN = "dop_v1_0123456789abcdef0123456789abcdef";
  private static final String LB_ID = "4de7ac8b-495b-4884-9a69-1050c6793cd6";
  private static final String CDN_ID = "19f06b6a-3ace-4315-b086-499a0e521b76";
  /** Pass numbers as the engine hands them out: one counter for the process. */
  private static final AtomicLong PASSES = new AtomicLong(1_000_000);
  private static final TestPki.Ca CA = TestPki.root("Test Root").intermediate("Test DV CA");

  private final ObjectMapper json = new ObjectMapper();
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = FakeTime.create();
  private FakeDigitalOcean fake;
  private ContractValidatingDispatcher contract;
  private final CertificateBundle bundle = CA.leaf(List.of("social.example.org", "media.example.org"));
  private String oldCertId;
  private String letsEncryptId;
  private String manualId;

  @BeforeEach
  void start() throws Exception {
    fake = new FakeDigitalOcean(TOKEN, time);
    contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(fake);
    server.setDispatcher(contract);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    oldCertId = fake.addCertificate("certferry-mastodon-1f2e", "custom", "aa".repeat(20)).get("id").asText();
    letsEncryptId = fake.addCertificate("le-social", "lets_encrypt", "bb".repeat(20)).get("id").asText();
    manualId = fake.addCertificate("bought-by-hand", "custom", "cc".repeat(20)).get("id").asText();
    fake.addLoadBalancer(LB_ID, null, rules(oldCertId));
  }

  @AfterEach
  void stop() {
    server.close();
    contract.assertNoViolations();
  }

  private ArrayNode rules(String certId) {
    ArrayNode rules = json.createArrayNode();
    rules.addObject().put("entry_protocol", "https").put("entry_port", 443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", certId).put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http").put("entry_port", 80).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", "").put("tls_passthrough", false);
    rules.addObject().put("entry_protocol", "http2").put("entry_port", 8443).put("target_protocol", "http")
        .put("target_port", 80).put("certificate_id", certId).put("tls_passthrough", false);
    return rules;
  }

  private ObjectNode lbSettings() {
    return json.createObjectNode().put("id", "do-lb").put("type", "digitalocean-lb").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("loadBalancerId", LB_ID).put("lineage", "mastodon")
        .put("verify", false);
  }

  private ObjectNode cdnSettings(String endpointId, String domain) {
    return json.createObjectNode().put("id", "do-cdn").put("type", "digitalocean-cdn").put("token", "${env:DO_TOKEN}")
        .put("apiUrl", server.url("/").toString()).put("endpointId", endpointId).put("customDomain", domain)
        .put("lineage", "mastodon").put("verify", false);
  }

  private DeployTarget target(ObjectNode settings, String tokenValue) {
    DigitalOceanSettings.Kind kind = settings.get("type").asText().equals("digitalocean-lb")
        ? DigitalOceanSettings.Kind.LOAD_BALANCER : DigitalOceanSettings.Kind.CDN;
    return DigitalOceanTargets.create(DigitalOceanSettings.parse(settings, kind), kind, ProviderContext.builder(
        ReferenceSecrets.withEnvironment(Map.of("DO_TOKEN", tokenValue))).clock(time).sleeper(time).build());
  }

  private JsonNode lb() { return fake.loadBalancers.get(LB_ID); }

  private List<String> certIdsOf(String name) {
    return fake.certificates.values().stream().filter(c -> c.get("name").asText().equals(name))
        .map(c -> c.get("id").asText()).toList();
  }

  @Test
  void anUploadRacedByAParallelTargetUsesTheTwinInsteadOfFailing() throws Exception {
    // The CDN target of the same certificate uploads it between this target's listing and its upload:
    // the upload reaches the fake, but this target gets DigitalOcean's answer to a second one.
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      private boolean raced;

      @Override
      public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
        MockResponse answer = contract.dispatch(r);
        if (!raced && r.getMethod().equals("POST") && r.getUrl().encodedPath().equals("/v2/certificates")) {
          raced = true;
          return new MockResponse.Builder().code(422).setHeader("Content-Type", "application/json")
              .body("{\"id\":\"unprocessable_entity\",\"message\":\"name is already in use\"}").build();
        }
        return answer;
      }
    });
    DeployTarget target = target(lbSettings(), TOKEN);

    DeployReceipt receipt = target.deploy(bundle);

    List<String> ids = certIdsOf("certferry-mastodon-" + bundle.serial());
    assertThat(ids).hasSize(1);
    assertThat(receipt.details()).containsEntry("certificateId", ids.get(0));
    assertThat(lb().get("forwarding_rules").get(0).get("certificate_id").asText()).isEqualTo(ids.get(0));
    assertThat(fake.count("POST /v2/certificates")).isEqualTo(1);
    assertThat(target.deployedFingerprint()).contains(bundle.sha256());
  }

  @Test
  void firstDeployUploadsPointsTlsRulesAtItAndDeletesOnlyOurOldCertificate() throws Exception {
    DeployTarget target = target(lbSettings(), TOKEN);

    DeployReceipt receipt = target.deploy(bundle);

    String name = "certferry-mastodon-" + bundle.serial();
    List<String> ids = certIdsOf(name);
    assertThat(ids).hasSize(1);
    String newId = ids.get(0);
    assertThat(receipt.changed()).isTrue();
    assertThat(receipt.details()).containsEntry("certificateId", newId);
    JsonNode rules = lb().get("forwarding_rules");
    assertThat(rules.get(0).get("certificate_id").asText()).isEqualTo(newId);
    assertThat(rules.get(1).get("certificate_id").asText()).isEmpty();
    assertThat(rules.get(2).get("certificate_id").asText()).isEqualTo(newId);
    assertThat(fake.certificates).doesNotContainKey(oldCertId).containsKeys(letsEncryptId, manualId, newId);
    assertThat(fake.certificates.get(newId).get("sha1_fingerprint").asText()).isEqualTo(Fingerprints.sha1(bundle.leaf()));
    assertThat(fake.count("POST /v2/certificates")).isEqualTo(1);
    assertThat(fake.count("PUT /v2/load_balancers")).isEqualTo(1);
    // DigitalOcean still reported the old certificate in use twice after detaching: deleted on the third try.
    assertThat(fake.count("DELETE /v2/certificates/" + oldCertId)).isEqualTo(3);
    assertThat(lb().get("status").asText()).isEqualTo("active");
    assertThat(target.deployedFingerprint()).contains(bundle.sha256());

    RecordedRequest put = contract.requests().stream().filter(r -> r.getMethod().equals("PUT")).findFirst().orElseThrow();
    JsonNode body = json.readTree(put.getBody().utf8());
    assertThat(body.get("region").asText()).isEqualTo("ams3");
    assertThat(body.get("size_unit").asInt()).isEqualTo(2);
    assertThat(body.has("size")).isFalse();
    assertThat(body.has("tag")).isFalse();
    assertThat(body.has("network")).isFalse();
    assertThat(body.has("network_stack")).isFalse();
    assertThat(body.get("droplet_ids")).hasSize(2);
  }

  @Test
  void theFakeRefusesAnUpdateThatWouldResetASetting() throws Exception {
    HttpApi raw = HttpApi.builder().baseUrl(server.url("/").toString())
        .bearerToken(TOKEN).clock(time).sleeper(time).build();
    ObjectNode naive = json.createObjectNode().put("name", "mastodon-lb").put("region", "ams3");
    naive.putArray("droplet_ids").add(3164444).add(3164445);
    naive.set("forwarding_rules", lb().get("forwarding_rules").deepCopy());

    HttpApiException e = catchThrowableOfType(HttpApiException.class,
        () -> raw.put("/v2/load_balancers/{lb_id}", naive, LB_ID));

    assertThat(e.status()).isEqualTo(422);
    assertThat(e.apiMessage().orElseThrow()).contains("would be reset to its default");
    ObjectNode full = LoadBalancerUpdate.body(lb(), List.of(), oldCertId);
    assertThat(raw.put("/v2/load_balancers/{lb_id}", full, LB_ID).path("load_balancer").path("id").asText()).isEqualTo(LB_ID);
  }

  @Test
  void tagBasedLoadBalancerKeepsItsTagAndSendsNoDropletIds() throws Exception {
    fake.addLoadBalancer("a1b2c3d4-0000-4000-8000-000000000001", "prod:web", rules(oldCertId));
    ObjectNode s = lbSettings().put("loadBalancerId", "a1b2c3d4-0000-4000-8000-000000000001");

    target(s, TOKEN).deploy(bundle);

    RecordedRequest put = contract.requests().stream().filter(r -> r.getMethod().equals("PUT")).findFirst().orElseThrow();
    JsonNode body = json.readTree(put.getBody().utf8());
    assertThat(body.get("tag").asText()).isEqualTo("prod:web");
    assertThat(body.has("droplet_ids")).isFalse();
  }

  @Test
  void lineagesOnOneLoadBalancerAndEndpointsCostOneListingOfEachKindPerPass() throws Exception {
    String sharedLb = "a1b2c3d4-0000-4000-8000-0000000000aa";
    ArrayNode rules = json.createArrayNode();
    List<CertificateBundle> bundles = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      rules.addObject().put("entry_protocol", "https").put("entry_port", 9000 + i).put("target_protocol", "http")
          .put("target_port", 80).put("certificate_id", oldCertId).put("tls_passthrough", false);
      bundles.add(CA.leaf(List.of("site" + i + ".example.org")));
    }
    fake.addLoadBalancer(sharedLb, null, rules);
    for (int i = 0; i < 3; i++) {
      fake.addCdnEndpoint("19f06b6a-3ace-4315-b086-49900000000" + i, "cdn" + i + ".example.org", oldCertId);
      bundles.add(CA.leaf(List.of("cdn" + i + ".example.org")));
    }
    List<DeployTarget> deployed = sharedTargets(sharedLb);
    for (int i = 0; i < deployed.size(); i++) {
      deployed.get(i).deploy(bundles.get(i));
    }

    // Each pass as a new process runs it (run --once): targets that know nothing of what was uploaded.
    for (int pass = 0; pass < 2; pass++) {
      List<DeployTarget> targets = sharedTargets(sharedLb);
      long number = PASSES.incrementAndGet();
      targets.forEach(t -> ((PassAware) t).passStarted(number));
      int before = fake.calls.size();
      for (int i = 0; i < targets.size(); i++) {
        CertificateBundle mine = bundles.get(i);
        CertificateBundle other = bundles.get((i + 1) % targets.size());
        assertThat(targets.get(i).serves(mine.sha256(), () -> mine)).as(targets.get(i).id()).contains(true);
        assertThat(targets.get(i).serves(other.sha256(), () -> other)).contains(false);
      }
      assertThat(fake.calls.subList(before, fake.calls.size())).as("pass %d: one listing of each kind", pass)
          .containsExactlyInAnyOrder("GET /v2/load_balancers", "GET /v2/certificates", "GET /v2/cdn/endpoints");
    }
  }

  /** Six lineages on one load balancer (one rule each) and three on CDN endpoints, as the config of one process. */
  private List<DeployTarget> sharedTargets(String lbId) {
    List<DeployTarget> targets = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      ObjectNode s = lbSettings().put("id", "lb-" + i).put("loadBalancerId", lbId).put("lineage", "site" + i);
      s.putArray("entryPorts").add(9000 + i);
      targets.add(target(s, TOKEN));
    }
    for (int i = 0; i < 3; i++) {
      targets.add(target(cdnSettings("19f06b6a-3ace-4315-b086-49900000000" + i, "cdn" + i + ".example.org")
          .put("id", "cdn-" + i).put("lineage", "cdn" + i), TOKEN));
    }
    return targets;
  }

  @Test
  void secondDeployIsANoOpAndTheCheckCostsOneListing() throws Exception {
    DeployTarget target = target(lbSettings(), TOKEN);
    target.deploy(bundle);
    ((PassAware) target).passStarted(PASSES.incrementAndGet());
    int before = fake.calls.size();

    assertThat(target.serves(bundle.sha256(), () -> bundle)).contains(true);
    assertThat(target.deployedFingerprint()).contains(bundle.sha256());
    assertThat(fake.calls.subList(before, fake.calls.size()))
        .as("the certificate is known by its id from this process's upload: no certificate list")
        .containsExactly("GET /v2/load_balancers");

    int beforeDeploy = fake.calls.size();
    DeployReceipt again = target.deploy(bundle);
    assertThat(fake.calls.subList(beforeDeploy, fake.calls.size()))
        .as("the write path reads the load balancer fresh, the certificate list once a pass")
        .containsExactly("GET /v2/load_balancers/" + LB_ID, "GET /v2/certificates");
    assertThat(again.changed()).isFalse();
    assertThat(again.summary()).contains("already uses");
    assertThat(fake.count("POST /v2/certificates")).isEqualTo(1);
    assertThat(fake.count("PUT /v2/load_balancers")).isEqualTo(1);
  }

  @Test
  void crashBetweenUploadAndPutConvergesOnTheNextRunWithoutADuplicate() throws Exception {
    fake.inject("PUT", "/v2/load_balancers/", 4, new MockResponse.Builder().code(503)
        .setHeader("Content-Type", "application/json").body("{\"id\":\"service_unavailable\",\"message\":\"down\"}").build());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(lbSettings(), TOKEN).deploy(bundle));
    assertThat(e.isRetryable()).isTrue();
    assertThat(certIdsOf("certferry-mastodon-" + bundle.serial())).hasSize(1);
    assertThat(lb().get("forwarding_rules").get(0).get("certificate_id").asText()).isEqualTo(oldCertId);

    DeployTarget restarted = target(lbSettings(), TOKEN);
    assertThat(restarted.deployedFingerprint()).isEmpty();
    DeployReceipt receipt = restarted.deploy(bundle);

    assertThat(receipt.changed()).isTrue();
    assertThat(fake.count("POST /v2/certificates")).isEqualTo(1);
    String newId = certIdsOf("certferry-mastodon-" + bundle.serial()).get(0);
    assertThat(lb().get("forwarding_rules").get(0).get("certificate_id").asText()).isEqualTo(newId);
    assertThat(fake.certificates).doesNotContainKey(oldCertId);
  }

  @Test
  void certificateThatStaysInUseTooLongIsKeptForALaterRunWithoutFailingTheDeploy() throws Exception {
    fake.releaseLag = 1000;

    DeployReceipt receipt = target(lbSettings(), TOKEN).deploy(bundle);

    assertThat(receipt.summary()).contains("kept for a later run: certferry-mastodon-1f2e");
    assertThat(fake.certificates).containsKey(oldCertId);
    assertThat(time.totalSlept()).isLessThanOrEqualTo(Duration.ofMinutes(3));
    long deletes = fake.count("DELETE /v2/certificates/" + oldCertId);
    assertThat(deletes).isBetween(3L, 10L);

    fake.lagOver();
    DeployReceipt later = target(lbSettings(), TOKEN).deploy(bundle);
    assertThat(later.summary()).contains("old certificates deleted: certferry-mastodon-1f2e");
    assertThat(fake.certificates).doesNotContainKey(oldCertId);
  }

  @Test
  void onlyConfiguredEntryPortsChangeAndACertificateStillUsedIsNotDeleted() throws Exception {
    ObjectNode s = lbSettings();
    s.putArray("entryPorts").add(8443);

    target(s, TOKEN).deploy(bundle);

    JsonNode rules = lb().get("forwarding_rules");
    assertThat(rules.get(0).get("certificate_id").asText()).isEqualTo(oldCertId);
    assertThat(rules.get(2).get("certificate_id").asText()).isNotEqualTo(oldCertId);
    assertThat(fake.certificates).containsKey(oldCertId);
    assertThat(fake.count("DELETE /v2/certificates/" + oldCertId)).isZero();
  }

  @Test
  void rateLimitedAnswersAreWaitedOutOnTheClock() throws Exception {
    fake.inject("GET", "/v2/certificates", 3, new MockResponse.Builder().code(429).setHeader("Retry-After", "3")
        .setHeader("Content-Type", "application/json")
        .body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}").build());

    target(lbSettings(), TOKEN).deploy(bundle);

    assertThat(time.sleeps().stream().filter(d -> d.equals(Duration.ofSeconds(3))).count()).isGreaterThanOrEqualTo(3);
    assertThat(certIdsOf("certferry-mastodon-" + bundle.serial())).hasSize(1);
  }

  @Test
  void wrongTokenSaysWhatToFixWithoutTheToken() {
    DeployException e = catchThrowableOfType(DeployException.class,
        () -> target(lbSettings(), "dop_v1_wrongwrongwrongwrong").deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("HTTP 401").contains("${env:DO_TOKEN}").contains("invalid, expired or revoked")
        .doesNotContain("dop_v1_wrongwrongwrongwrong").doesNotContain(TOKEN);
    assertThat(fake.count("POST")).isZero();
  }

  @Test
  void digitalOceansMessageAndRequestIdReachTheDeployError() {
    fake.inject("POST", "/v2/certificates", 1, new MockResponse.Builder().code(422)
        .setHeader("Content-Type", "application/json").body("{\"id\":\"unprocessable_entity\",\"message\":"
            + "\"Certificate is malformed.\",\"request_id\":\"8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a\"}").build());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(lbSettings(), TOKEN).deploy(bundle));

    assertThat(e.getMessage()).startsWith("DigitalOcean: cannot upload certificate certferry-mastodon-")
        .contains("(HTTP 422 unprocessable_entity: Certificate is malformed. "
            + "(request id 8a3c5e1f-4d2b-4c1a-9e0f-7b6a5d4c3b2a))");
  }

  @Test
  void aRateLimitKeepsDigitalOceansTextAndTheDeployIsHeldBackSayingWhen() {
    fake.inject("GET", "/v2/load_balancers", 1, new MockResponse.Builder().code(429).setHeader("Retry-After", "600")
        .setHeader("Content-Type", "application/json").body("{\"id\":\"too_many_requests\",\"message\":"
            + "\"API Rate limit exceeded.\",\"request_id\":\"4d2b0c1a-ffee-4c1a-9e0f-000000000429\"}").build());
    DeployTarget t = target(lbSettings(), TOKEN);

    DeployException check = catchThrowableOfType(DeployException.class, () -> t.serves(bundle.sha256(), () -> bundle));
    DeployException deploy = catchThrowableOfType(DeployException.class, () -> t.deploy(bundle));

    assertThat(check.getMessage()).contains("(HTTP 429 too_many_requests: API Rate limit exceeded. "
        + "(request id 4d2b0c1a-ffee-4c1a-9e0f-000000000429))");
    assertThat(deploy.getMessage()).isEqualTo("DigitalOcean: cannot read load balancer " + LB_ID + " (not sent: the "
        + "API's rate limit is used up, quota back at 00:10:00Z; last answer: HTTP 429 too_many_requests: API Rate "
        + "limit exceeded. (request id 4d2b0c1a-ffee-4c1a-9e0f-000000000429))");
    assertThat(deploy.waitingUntil()).as("held back by the budget: waiting, not failed")
        .contains(time.instant().plus(Duration.ofMinutes(10)));
    assertThat(fake.count("GET /v2/load_balancers")).as("the deploy's own read was never sent").isEqualTo(1);
  }

  @Test
  void unknownLoadBalancerIdIsNamedAndNothingIsUploaded() {
    ObjectNode s = lbSettings().put("loadBalancerId", "00000000-0000-4000-8000-000000000000");

    DeployException e = catchThrowableOfType(DeployException.class, () -> target(s, TOKEN).deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("read load balancer 00000000-0000-4000-8000-000000000000 (HTTP 404")
        .contains("check the target's loadBalancerId");
    assertThat(fake.count("POST /v2/certificates")).isZero();
  }

  @Test
  void loadBalancerWithoutTlsRulesIsRejectedBeforeAnyUpload() {
    ArrayNode plain = json.createArrayNode();
    plain.addObject().put("entry_protocol", "http").put("entry_port", 80).put("target_protocol", "http").put("target_port", 80);
    fake.addLoadBalancer("a1b2c3d4-0000-4000-8000-000000000002", null, plain);

    DeployException e = catchThrowableOfType(DeployException.class,
        () -> target(lbSettings().put("loadBalancerId", "a1b2c3d4-0000-4000-8000-000000000002"), TOKEN).deploy(bundle));

    assertThat(e.getMessage()).contains("has no https/http2/http3 forwarding rule");
    assertThat(fake.count("POST")).isZero();
  }

  @Test
  void cdnReusesTheLoadBalancerUploadAndKeepsItsTtl() throws Exception {
    fake.addCdnEndpoint(CDN_ID, "media.example.org", oldCertId);
    target(lbSettings(), TOKEN).deploy(bundle);
    String newId = certIdsOf("certferry-mastodon-" + bundle.serial()).get(0);
    // The CDN still uses the old certificate, so the LB deploy kept it.
    assertThat(fake.certificates).containsKey(oldCertId);

    DeployTarget cdn = target(cdnSettings(CDN_ID, "media.example.org"), TOKEN);
    assertThat(cdn.deployedFingerprint()).isEmpty();
    DeployReceipt r = cdn.deploy(bundle);

    assertThat(r.changed()).isTrue();
    assertThat(fake.count("POST /v2/certificates")).isEqualTo(1);
    assertThat(fake.cdnEndpoints.get(CDN_ID).get("certificate_id").asText()).isEqualTo(newId);
    assertThat(fake.cdnEndpoints.get(CDN_ID).get("ttl").asInt()).isEqualTo(86400);
    assertThat(fake.certificates).doesNotContainKey(oldCertId);
    assertThat(cdn.deployedFingerprint()).contains(bundle.sha256());
    assertThat(cdn.deploy(bundle).changed()).isFalse();
  }

  @Test
  void cdnDomainNotCoveredIsRejectedBeforeAnyCall() {
    fake.addCdnEndpoint(CDN_ID, "cdn.other.example", null);
    int before = fake.calls.size();

    DeployException e = catchThrowableOfType(DeployException.class,
        () -> target(cdnSettings(CDN_ID, "cdn.other.example"), TOKEN).deploy(bundle));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e.getMessage()).contains("does not cover the CDN custom domain cdn.other.example");
    assertThat(fake.calls).hasSize(before);
  }

  @Test
  void cdnBurstStaysInsideFiveRequestsPerTenSeconds() throws Exception {
    List<String> ids = List.of("19f06b6a-3ace-4315-b086-499a0e521b71", "19f06b6a-3ace-4315-b086-499a0e521b72",
        "19f06b6a-3ace-4315-b086-499a0e521b73", "19f06b6a-3ace-4315-b086-499a0e521b74");
    for (String id : ids) {
      fake.addCdnEndpoint(id, "media.example.org", null);
    }
    for (String id : ids) {
      target(cdnSettings(id, "media.example.org"), TOKEN).deploy(bundle);
    }

    assertThat(fake.cdnRateLimited).isZero();
    ids.forEach(id -> assertThat(fake.cdnEndpoints.get(id).get("certificate_id").asText()).isNotEmpty());
    assertThat(fake.count("GET /v2/cdn") + fake.count("PUT /v2/cdn")).isGreaterThan(5);
    assertThat(time.totalSlept()).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void verifyHandshakesWithTheConfiguredEndpoint() throws Exception {
    CertificateBundle other = CA.leaf(List.of("social.example.org"));
    try (TlsTestServer tls = TlsTestServer.serving(bundle)) {
      ObjectNode s = lbSettings().put("verify", true).put("verifyHost", tls.host()).put("verifyPort", tls.port())
          .put("serverName", "social.example.org");
      DeployTarget target = target(s, TOKEN);

      VerifyResult ok = target.verify(bundle);
      VerifyResult wrong = target.verify(other);

      assertThat(ok.status()).isEqualTo(VerifyResult.Status.OK);
      assertThat(wrong.status()).isEqualTo(VerifyResult.Status.MISMATCH);
      assertThat(wrong.served()).contains(bundle.sha256());
    }
    assertThat(target(lbSettings(), TOKEN).verify(bundle).status()).isEqualTo(VerifyResult.Status.SKIPPED);
  }
}
