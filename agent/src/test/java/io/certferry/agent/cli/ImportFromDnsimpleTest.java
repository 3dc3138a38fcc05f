package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.store.FileStore;
import io.certferry.core.testing.ContractValidatingDispatcher;
import io.certferry.core.testing.ContractValidator;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.PemWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code certferry import --from dnsimple} end to end: the real CLI, the dnsimple plug-in found through
 * ServiceLoader, a DNSimple fake whose every request is validated against DNSimple's OpenAPI description,
 * and the same checks as a file import before anything is stored.
 */
class ImportFromDnsimpleTest {
  private static final String TOKEN = "dnsimple-cli-token-55c1e9";
  private static final ObjectMapper JSON = new ObjectMapper();
  static TestPki.Ca root;
  static TestPki.Ca issuing;

  @TempDir Path tmp;
  private Path store;
  private Path rootPem;
  private Path tokenFile;
  private final Map<Long, ObjectNode> certificates = new ConcurrentHashMap<>();
  private final Map<Long, String> keys = new ConcurrentHashMap<>();
  private MockWebServer server;
  private ContractValidatingDispatcher dnsimple;

  @BeforeAll
  static void pki() {
    root = TestPki.root("Sectigo Test Root");
    issuing = root.intermediate("Sectigo Test DV CA");
  }

  @BeforeEach
  void start() throws Exception {
    store = tmp.resolve("store");
    rootPem = Cli.pem(tmp.resolve("root.pem"), root.certificate());
    tokenFile = Files.writeString(tmp.resolve("dnsimple.token"), TOKEN + "\n");
    dnsimple = ContractValidator.forSpec("dnsimple/openapi.yml").validating(new Fake());
    server = new MockWebServer();
    server.setDispatcher(dnsimple);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
    dnsimple.assertNoViolations();
  }

  @Test
  void importsABoughtCertificateWithItsChainAndKey() throws Exception {
    CertificateBundle bought = issuing.leaf(List.of("social.example", "www.social.example"));
    offer(101, "issued", bought, PemWriter.privateKey(bought.privateKey()));

    CliRun r = Cli.run(args("social", "101"));

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("imported 'social' version 1").contains("social.example");
    var v = FileStore.open(store).current("social").orElseThrow();
    assertThat(v.sha256()).isEqualTo(bought.sha256());
    assertThat(v.details()).containsEntry("importedFrom", "dnsimple certificate 101 of social.example");
    assertThat(dnsimple.requests()).extracting(q -> q.getUrl().encodedPath()).containsExactly("/v2/1010/domains/"
        + "social.example/certificates/101/download", "/v2/1010/domains/social.example/certificates/101/private_key");
    assertThat(dnsimple.requests()).allSatisfy(q -> assertThat(q.getHeaders().get("Authorization"))
        .isEqualTo("Bearer " + TOKEN));
    assertThat(r.out() + r.err()).doesNotContain(TOKEN);
  }

  @Test
  void aCertificateNotIssuedYetIsRejectedAndNothingIsStored() throws Exception {
    CertificateBundle pending = issuing.leaf(List.of("social.example"));
    offer(102, "submitted", pending, PemWriter.privateKey(pending.privateKey()));

    CliRun r = Cli.run(args("social", "102"));

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("certificate 102 of social.example is not issued yet");
    assertThat(Cli.tree(store)).isEmpty();
  }

  @Test
  void aKeyThatDoesNotMatchIsRejectedByTheSameChecksAsAFileImport() throws Exception {
    CertificateBundle bought = issuing.leaf(List.of("social.example"));
    CertificateBundle other = issuing.leaf(List.of("social.example"));
    offer(103, "issued", bought, PemWriter.privateKey(other.privateKey()));

    CliRun r = Cli.run(args("social", "103"));

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("dnsimple certificate 103 of social.example");
    assertThat(Cli.tree(store)).isEmpty();
  }

  @Test
  void aRejectedTokenFailsNamingTheSettingButNeverTheToken() throws Exception {
    Files.writeString(tokenFile, "revoked-token-77aa\n");

    CliRun r = Cli.run(args("social", "101"));

    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.err()).contains("HTTP 401").contains("`token`").doesNotContain("revoked-token-77aa");
    assertThat(Cli.tree(store)).isEmpty();
  }

  @Test
  void badSettingsAreRejectedBeforeAnyRequest() throws Exception {
    List<String> a = new ArrayList<>(List.of("import", "--store", store.toString(), "--name", "social", "--from",
        "dnsimple", "--domain", "social.example", "--certificate-id", "101", "--set", "token=" + TOKEN,
        "--set", "account=acme"));

    CliRun r = Cli.run(a);

    assertThat(r.code()).as(r.toString()).isEqualTo(3);
    assertThat(r.err()).contains("setting 'token' must be a reference").contains("`account` must be the numeric")
        .doesNotContain(TOKEN);
    assertThat(dnsimple.requests()).isEmpty();
  }

  private List<String> args(String name, String id) {
    return List.of("import", "--store", store.toString(), "--name", name, "--from", "dnsimple",
        "--domain", "social.example", "--certificate-id", id,
        "--set", "token=${file:" + tokenFile + "}", "--set", "account=1010",
        "--set", "baseUrl=" + server.url("/v2"), "--trust", rootPem.toString());
  }

  private void offer(long id, String state, CertificateBundle b, String keyPem) {
    ObjectNode download = JSON.createObjectNode().put("server", PemWriter.certificates(List.of(b.leaf())))
        .put("root", PemWriter.certificates(List.of(root.certificate())));
    download.putArray("chain").add(PemWriter.certificates(List.of(issuing.certificate())));
    download.put("state", state);
    certificates.put(id, download);
    keys.put(id, keyPem);
  }

  /** DNSimple's certificate endpoints for account 1010, domain social.example. */
  private final class Fake extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest r) {
      if (!("Bearer " + TOKEN).equals(r.getHeaders().get("Authorization"))) {
        return json(401, "{\"message\":\"Authentication failed\"}");
      }
      List<String> seg = r.getUrl().pathSegments();
      if (seg.size() != 7 || !seg.get(1).equals("1010") || !seg.get(3).equals("social.example")) {
        return json(404, "{\"message\":\"Not Found\"}");
      }
      long id = Long.parseLong(seg.get(5));
      ObjectNode c = certificates.get(id);
      if (c == null) {
        return json(404, "{\"message\":\"Certificate not found\"}");
      }
      if (!c.path("state").asText().equals("issued")) {
        return json(428, "{\"message\":\"Certificate is not issued yet\"}");
      }
      ObjectNode body = JSON.createObjectNode();
      if (seg.get(6).equals("download")) {
        ObjectNode data = c.deepCopy();
        data.remove("state");
        body.set("data", data);
      } else {
        body.putObject("data").put("private_key", keys.get(id));
      }
      return json(200, body.toString());
    }
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }
}
