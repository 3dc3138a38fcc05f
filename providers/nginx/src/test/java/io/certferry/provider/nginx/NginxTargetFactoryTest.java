package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployTarget;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class NginxTargetFactoryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void isFoundThroughServiceLoaderAsTypeNginx() {
    List<ProviderFactory> nginx = StreamSupport.stream(ServiceLoader.load(ProviderFactory.class).spliterator(), false)
        .filter(f -> f.type().equals("nginx")).collect(Collectors.toList());
    assertThat(nginx).hasSize(1);
    assertThat(nginx.get(0).kind()).isEqualTo(DeployTarget.class);
  }

  @Test
  void twoFrontendsShareSettingsAndTheirSshBlockIsMerged() throws Exception {
    JsonNode s = json("{'id': 'frontends', 'type': 'nginx',"
        + " 'certificatePath': '/etc/nginx/tls/fullchain.pem', 'keyPath': '/etc/nginx/tls/key.pem',"
        + " 'serverNames': ['example.org', 'www.example.org'], 'group': 'ssl-cert', 'keyMode': '0640',"
        + " 'ssh': {'user': 'certferry', 'keyFile': '/etc/certferry/ssh/id_ed25519', 'knownHosts': '/etc/certferry/ssh/known_hosts'},"
        + " 'frontends': ["
        + "   {'name': 'web1', 'ssh': {'host': 'web1.example.org'}, 'address': 'web1.example.org:443'},"
        + "   {'ssh': {'host': 'web2.example.org', 'port': 2222}, 'address': '[2001:db8::2]:443', 'reloadCommand': 'systemctl reload nginx'},"
        + "   {'name': 'here', 'ssh': null}"
        + " ]}");
    assertThat(new NginxTargetFactory().validate(s)).isEmpty();

    NginxTarget t = new NginxTargetFactory().create(s, context(ref -> "unused"));

    assertThat(t.id()).isEqualTo("frontends");
    Frontend web1 = t.frontends().get(0);
    Frontend web2 = t.frontends().get(1);
    assertThat(web1.name()).isEqualTo("web1");
    assertThat(web2.name()).as("defaults to the ssh host").isEqualTo("web2.example.org:2222");
    assertThat(web1.ssh().orElseThrow().user()).isEqualTo("certferry");
    assertThat(web2.ssh().orElseThrow().keyFile()).isEqualTo(Path.of("/etc/certferry/ssh/id_ed25519"));
    assertThat(web2.ssh().orElseThrow().port()).isEqualTo(2222);
    assertThat(web1.ssh().orElseThrow().port()).isEqualTo(22);
    assertThat(web1.reloadCommand()).isEqualTo("nginx -s reload");
    assertThat(web2.reloadCommand()).isEqualTo("systemctl reload nginx");
    assertThat(web1.testCommand()).isEqualTo("nginx -t");
    assertThat(web2.address()).contains(new Address("2001:db8::2", 443));
    assertThat(web1.keySpec()).isEqualTo(new FileSpec(0640, Optional.empty(), Optional.of("ssl-cert")));
    assertThat(web1.certificateSpec().mode()).isEqualTo(0644);
    assertThat(web1.serverNames()).containsExactly("example.org", "www.example.org");
    assertThat(web1.proveTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(t.frontends().get(2).ssh()).as("ssh: null makes a frontend local").isEmpty();
    assertThat(t.frontends().get(2).keySpec().group()).contains("ssl-cert");
  }

  @Test
  void aBlockWithoutFrontendsIsOneLocalFrontend() throws Exception {
    JsonNode s = json("{'id': 'local-nginx', 'type': 'nginx', 'certificatePath': '/etc/nginx/tls/fullchain.pem',"
        + " 'keyPath': '/etc/nginx/tls/key.pem', 'proveTimeout': '2m', 'commandTimeout': 'PT10S'}");
    NginxTarget t = new NginxTargetFactory().create(s, context(ref -> "unused"));
    assertThat(t.frontends()).hasSize(1);
    Frontend f = t.frontends().get(0);
    assertThat(f.name()).isEqualTo("local");
    assertThat(f.ssh()).isEmpty();
    assertThat(f.keySpec().mode()).isEqualTo(0600);
    assertThat(f.address()).isEmpty();
    assertThat(f.proveTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(f.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void everyProblemIsReportedNamingItsSetting() throws Exception {
    JsonNode s = json("{'type': 'nginx', 'certificatePath': 'tls/fullchain.pem', 'keyMode': '0644',"
        + " 'certificateMode': 644, 'reloadComand': 'nginx -s reload', 'serverNames': ['bad name'],"
        + " 'proveTimeout': 'soon', 'testCommand': '',"
        + " 'frontends': ["
        + "   {'name': 'web1', 'address': 'web1.example.org', 'ssh': {'host': 'root@web1', 'port': 70000, 'keyFile': 'id_ed25519',"
        + "     'keyPassphrase': 'hunter2'}},"
        + "   {'name': 'web1', 'owner': 'bad owner'}"
        + " ]}");

    List<String> errors = new NginxTargetFactory().validate(s);

    assertThat(errors).anySatisfy(e -> assertThat(e).contains("id is missing"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("nginx target: certificatePath 'tls/fullchain.pem' must be an absolute file path"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains(": keyPath is missing"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("keyMode 0644 lets every user").contains("use 0600"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("certificateMode 644 must be an octal mode in quotes"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("unknown setting reloadComand"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("serverNames entry \"bad name\" is not a host name"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("proveTimeout 'soon' is not a duration"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("testCommand must be one command line"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].address 'web1.example.org' is not host:port"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].ssh.host 'root@web1' is not a host name"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].ssh.port 70000 is not a port number"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].ssh.user is missing"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].ssh.keyFile 'id_ed25519' must be an absolute"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[0].ssh.keyPassphrase must be a secret reference"));
    assertThat(errors).anySatisfy(e -> assertThat(e).contains("frontends[1].owner 'bad owner' is not a user/group name"));
    assertThat(errors).allSatisfy(e -> assertThat(e).doesNotContain("hunter2").startsWith("nginx target"));
    assertThat(errors).as("a shared setting's problem is reported once, not per frontend")
        .filteredOn(e -> e.contains("certificatePath 'tls")).hasSize(1);
    assertThatThrownBy(() -> new NginxTargetFactory().create(s, context(ref -> "x")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id is missing");
  }

  @Test
  void duplicateFrontendNamesAndAnEmptyListAreRejected() throws Exception {
    String paths = "'certificatePath': '/etc/nginx/tls/fullchain.pem', 'keyPath': '/etc/nginx/tls/key.pem'";
    assertThat(new NginxTargetFactory().validate(json("{'id': 'x', " + paths + ", 'frontends': [{'name': 'a'}, {'name': 'a'}]}")))
        .containsExactly("nginx target 'x': two frontends are named 'a'; give each a distinct name");
    assertThat(new NginxTargetFactory().validate(json("{'id': 'x', " + paths + ", 'frontends': []}")))
        .singleElement().asString().contains("frontends must be a non-empty list");
    assertThat(new NginxTargetFactory().validate(json("{'id': 'x', 'certificatePath': '/a/same.pem', 'keyPath': '/a/same.pem'}")))
        .singleElement().asString().contains("keyPath must differ from certificatePath");
  }

  @Test
  void thePassphraseComesFromASecretReferenceAndIsNeverPrinted() throws Exception {
    JsonNode s = json("{'id': 'x', 'certificatePath': '/etc/nginx/tls/fullchain.pem', 'keyPath': '/etc/nginx/tls/key.pem',"
        + " 'ssh': {'host': 'web1', 'user': 'certferry', 'keyFile': '/k', 'keyPassphrase': '${env:SSH_PASS}'}}");
    NginxTarget t = new NginxTargetFactory().create(s, context(ref -> ref.equals("${env:SSH_PASS}") ? "s3cret-pass" : null));
    SshSettings ssh = t.frontends().get(0).ssh().orElseThrow();
    assertThat(ssh.keyPassphrase()).contains("s3cret-pass");
    assertThat(ssh.toString()).doesNotContain("s3cret-pass").contains("keyPassphrase=***");
    assertThat(t.frontends().get(0).toString()).doesNotContain("s3cret-pass");
    assertThat(ssh.knownHosts()).as("OpenSSH's default").hasToString(System.getProperty("user.home") + "/.ssh/known_hosts");

    List<String> unresolved = catchMessages(s);
    assertThat(unresolved).singleElement().asString().contains("ssh.keyPassphrase").contains("SSH_PASS is not set");
  }

  private static List<String> catchMessages(JsonNode s) {
    try {
      new NginxTargetFactory().create(s, context(ref -> { throw new IllegalArgumentException(ref + ": SSH_PASS is not set"); }));
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(e.getMessage());
    }
  }

  @Test
  void addressesParseHostPortAndBracketedIpv6Only() {
    assertThat(Address.parse("web1.example.org:443")).contains(new Address("web1.example.org", 443));
    assertThat(Address.parse("[::1]:8443")).contains(new Address("::1", 8443));
    assertThat(Address.parse("[::1]:8443").orElseThrow()).hasToString("[::1]:8443");
    assertThat(Address.parse("::1:443")).isEmpty();
    assertThat(Address.parse("web1:0")).isEmpty();
    assertThat(Address.parse("web1:https")).isEmpty();
    assertThat(Address.parse(":443")).isEmpty();
  }

  private static ProviderContext context(Secrets secrets) { return ProviderContext.defaults(secrets); }
}
