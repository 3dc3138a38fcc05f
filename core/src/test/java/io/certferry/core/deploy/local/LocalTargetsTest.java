package io.certferry.core.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.testing.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalTargetsTest {
  static final TestPki.Ca CA = TestPki.root("Local Targets CA");
  static final ObjectMapper JSON = new ObjectMapper();
  final CertificateBundle bundle = CA.intermediate("Local Targets Int").leaf(List.of("www.example.test"));

  @TempDir
  Path tmp;

  ObjectNode settings(String type) {
    ObjectNode n = JSON.createObjectNode();
    n.put("id", type + "-1").put("type", type).put("certificate", "www");
    return n;
  }

  static final ProviderContext CONTEXT = ProviderContext.defaults(ReferenceSecrets.withEnvironment(Map.of()));

  static ProviderFactory factory(String type) {
    Map<String, ProviderFactory> all = ServiceLoader.load(ProviderFactory.class).stream()
        .map(ServiceLoader.Provider::get).filter(f -> f.kind() == DeployTarget.class).collect(Collectors.toMap(ProviderFactory::type, f -> f, (a, b) -> a));
    assertThat(all).containsKey(type);
    return all.get(type);
  }

  @Test
  void directoryWritesFilesWithModesAndRunsCommand() throws Exception {
    Path out = tmp.resolve("certs/www");
    ObjectNode s = settings("directory").put("path", out.toString()).put("certMode", "0640");
    s.put("command", "env | grep ^CERTFERRY_ | sort > " + tmp.resolve("env.txt"));
    DeployTarget t = (DeployTarget) factory("directory").create(s, ProviderContext.defaults(ReferenceSecrets.withEnvironment(Map.of())));

    assertThat(t.deployedFingerprint()).isEmpty();
    t.deploy(bundle);
    assertThat(t.deployedFingerprint()).contains(bundle.sha256());
    assertThat(t.verify(bundle).status()).isEqualTo(VerifyResult.Status.OK);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("key.pem")))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("cert.pem")))).isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out))).isEqualTo("rwx------");
    assertThat(Files.readString(out.resolve("fullchain.pem")).split("BEGIN CERTIFICATE")).hasSize(3);
    assertThat(Files.readString(out.resolve("chain.pem")).split("BEGIN CERTIFICATE")).hasSize(2);
    assertThat(Files.readString(out.resolve("key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----");
    String env = Files.readString(tmp.resolve("env.txt"));
    assertThat(env).contains("CERTFERRY_SHA256=" + bundle.sha256(), "CERTFERRY_NAME=www",
        "CERTFERRY_KEY=" + out.resolve("key.pem"), "CERTFERRY_FULLCHAIN=" + out.resolve("fullchain.pem"));
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("cert.pem", "chain.pem", "fullchain.pem", "key.pem");
    }
  }

  @Test
  void directoryVerifyNoticesAReplacedKey() throws Exception {
    Path out = tmp.resolve("w");
    DeployTarget t = (DeployTarget) factory("directory").create(settings("directory").put("path", out.toString()), CONTEXT);
    t.deploy(bundle);
    CertificateBundle other = CA.leaf(List.of("www.example.test"));
    Files.write(out.resolve("key.pem"), BundleFiles.pemKey(other));
    assertThat(t.verify(bundle).status()).isEqualTo(VerifyResult.Status.MISMATCH);
    assertThat(t.verify(bundle).message()).contains("does not hold the certificate's key");
  }

  @Test
  void directoryCommandFailureIsADeployFailureWithItsOutput() {
    ObjectNode s = settings("directory").put("path", tmp.resolve("x").toString()).put("command", "echo reload failed >&2; exit 3");
    DeployTarget t = (DeployTarget) factory("directory").create(s, CONTEXT);
    assertThatThrownBy(() -> t.deploy(bundle)).isInstanceOf(DeployException.class)
        .hasMessageContaining("exited with 3").hasMessageContaining("reload failed");
  }

  @Test
  void directoryRejectsBadSettings() {
    ObjectNode s = settings("directory").put("keyMode", "0644").put("certMode", "rw").put("colour", "blue");
    List<String> errors = factory("directory").validate(s);
    assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("path:"))
        .anySatisfy(e -> assertThat(e).contains("lets every user read the private key"))
        .anySatisfy(e -> assertThat(e).contains("certMode").contains("octal"))
        .anySatisfy(e -> assertThat(e).contains("unknown setting 'colour'"));
  }

  @Test
  void execHookSeesFilesWhichAreRemovedAfterwards() throws Exception {
    Path seen = tmp.resolve("seen.txt");
    ObjectNode s = settings("exec").put("workDir", tmp.toString());
    s.putArray("command").add("/bin/sh").add("-c")
        .add("openssl x509 -in \"$CERTFERRY_CERT\" -noout -fingerprint -sha256 > " + seen
            + " && test -s \"$CERTFERRY_KEY\" && test -s \"$CERTFERRY_CHAIN\" && echo \"$CERTFERRY_FULLCHAIN $CERTFERRY_NAME $CERTFERRY_SHA256\" >> " + seen);
    DeployTarget t = (DeployTarget) factory("exec").create(s, CONTEXT);
    assertThat(t.deployedFingerprint()).isEmpty();
    t.deploy(bundle);
    String text = Files.readString(seen);
    assertThat(text.replace(":", "").toLowerCase()).contains(bundle.sha256());
    assertThat(text).contains(" www " + bundle.sha256());
    try (var left = Files.list(tmp)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("seen.txt");
    }
  }

  @Test
  void execHookFailureAndMissingCommand() {
    ObjectNode s = settings("exec").put("command", "exit 9");
    DeployTarget t = (DeployTarget) factory("exec").create(s, CONTEXT);
    assertThatThrownBy(() -> t.deploy(bundle)).isInstanceOf(DeployException.class).hasMessageContaining("exited with 9");
    assertThat(factory("exec").validate(settings("exec"))).anySatisfy(e -> assertThat(e).startsWith("command:"));
    assertThat(factory("exec").validate(settings("exec").put("command", "x").put("timeout", "soon")))
        .anySatisfy(e -> assertThat(e).startsWith("timeout:").contains("not a duration"));
  }
}
