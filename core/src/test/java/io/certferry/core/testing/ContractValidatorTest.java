package io.certferry.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.http.ApiRequest;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiBuilder;
import io.certferry.core.http.HttpApiException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validator accepts what each provider's spec allows and rejects what it does not, for all three specs. */
class ContractValidatorTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static final Dispatcher OK = new Dispatcher() {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json").body("{}").build();
    }
  };

  private HttpApi api(String base, String token) {
    HttpApiBuilder b = HttpApi.builder().baseUrl(server.url(base).toString()).maxAttempts(1);
    if (token != null) {
      b.bearerToken(token);
    }
    return b.build();
  }

  @Test
  void digitalOceanCustomCertificateUploadIsValidAndABrokenOneIsNot() {
    ContractValidatingDispatcher fake = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(OK);
    server.setDispatcher(fake);
    HttpApi api = api("/", "token-123456");

    assertThatCode(() -> api.post("/v2/certificates", Map.of("name", "certferry-web-1a2b", "type", "custom",
        "private_key", "-----BEGIN PRIVATE KEY-----\n", "leaf_certificate", "-----BEGIN CERTIFICATE-----\n",
        "certificate_chain", "-----BEGIN CERTIFICATE-----\n")));
    assertThatCode(() -> api.get("/v2/load_balancers/{lb_id}", "4de7ac8b-495b-4884-9a69-1050c6793cd6"));
    assertThat(fake.violations()).isEmpty();

    assertThatThrownBy(() -> api.post("/v2/certificates", Map.of("name", 17, "type", "custom")))
        .isInstanceOf(HttpApiException.class).hasMessageContaining("HTTP 400");
    assertThatThrownBy(() -> api.get("/v2/no_such_thing"))
        .isInstanceOf(HttpApiException.class).hasMessageContaining("HTTP 400");
    assertThat(fake.violations()).hasSize(2);
    assertThat(fake.violations().get(1)).contains("GET /v2/no_such_thing");
    assertThatThrownBy(fake::assertNoViolations).isInstanceOf(AssertionError.class)
        .hasMessageContaining("2 request(s) broke the API contract");
  }

  @Test
  void digitalOceanRequestWithoutTokenIsRejected() {
    ContractValidatingDispatcher fake = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml").validating(OK);
    server.setDispatcher(fake);
    assertThatThrownBy(() -> api("/", null).get("/v2/certificates")).isInstanceOf(HttpApiException.class);
    assertThat(fake.violations()).singleElement().asString().contains("security");
  }

  @Test
  void netlifyCertificateUploadAsQueryParametersIsValid() throws Exception {
    ContractValidatingDispatcher fake = ContractValidator.forSpec("netlify/swagger.yml").validating(OK);
    server.setDispatcher(fake);
    HttpApi api = api("/api/v1", "nfp_token123456");

    api.send(ApiRequest.post("/sites/{site_id}/ssl", "site-1").query("certificate", "LEAF").query("key", "KEY")
        .query("ca_certificates", "CHAIN").sensitive().build());
    api.get("/sites/{site_id}/ssl", "site-1");
    fake.assertNoViolations();

    assertThatThrownBy(() -> api.get("/sites/{site_id}/ssl/certificates", "site-1"))
        .isInstanceOf(HttpApiException.class); // `domain` is required there
    assertThat(fake.violations()).singleElement().asString().contains("domain");
  }

  @Test
  void dnsimpleOpenApi31IsReadAndChecksBodies() throws Exception {
    ContractValidatingDispatcher fake = ContractValidator.forSpec("dnsimple/openapi.yml", "/").validating(OK);
    server.setDispatcher(fake);
    HttpApi api = api("/", "dnsimple_a_token123456");

    api.get("/whoami");
    api.post("/{account}/zones/{zone}/records", Map.of("name", "_acme-challenge", "type", "TXT",
        "content", "abc", "ttl", 60), "1010", "example.com");
    fake.assertNoViolations();

    assertThatThrownBy(() -> api.post("/{account}/zones/{zone}/records", Map.of("name", "_acme-challenge",
        "type", "TXT"), "1010", "example.com")).isInstanceOf(HttpApiException.class);
    assertThat(fake.violations()).singleElement().asString().contains("content");
  }

  @Test
  void assertValidFailsWithTheValidatorsMessages() throws Exception {
    ContractValidator contract = ContractValidator.forSpec("digitalocean/digitalocean-certificates-lb-cdn.yaml");
    server.setDispatcher(OK);
    HttpApi api = api("/", "token-123456");
    api.put("/v2/cdn/endpoints/{cdn_id}", Map.of("ttl", "not a number"), "19f06b6a-3ace-4315-b086-499a0e521b76");
    RecordedRequest bad = server.takeRequest();
    assertThatThrownBy(() -> contract.assertValid(bad)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("PUT /v2/cdn/endpoints/19f06b6a-3ace-4315-b086-499a0e521b76 violates")
        .hasMessageContaining("ttl");
    api.put("/v2/cdn/endpoints/{cdn_id}", Map.of("ttl", 3600), "19f06b6a-3ace-4315-b086-499a0e521b76");
    contract.assertValid(server.takeRequest());
  }

  @Test
  void aMissingSpecFileIsNamed() {
    assertThatThrownBy(() -> ContractValidator.forSpec("nowhere/spec.yml"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("nowhere/spec.yml does not exist");
  }

  @Test
  void anAbsentContractsFolderSkipsOrFailsInCi() {
    String saved = System.getProperty(ContractValidator.PROPERTY);
    System.setProperty(ContractValidator.PROPERTY, "/nonexistent/certferry/contracts");
    try {
      Class<? extends Throwable> expected = RequiredTools.e2eRequired()
          ? AssertionError.class : org.opentest4j.TestAbortedException.class;
      assertThatThrownBy(ContractValidator::contractsFolder).isInstanceOf(expected)
          .hasMessageContaining("provider API contracts not found").hasMessageContaining("/nonexistent/certferry/contracts");
    } finally {
      System.setProperty(ContractValidator.PROPERTY, saved);
    }
  }

  private static void assertThatCode(ThrowingCall call) {
    try {
      call.run();
    } catch (Exception e) {
      throw new AssertionError("unexpected failure: " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface ThrowingCall {
    void run() throws Exception;
  }

  @SuppressWarnings("unused")
  private static final List<String> SPECS = List.of("digitalocean", "netlify", "dnsimple");
}
