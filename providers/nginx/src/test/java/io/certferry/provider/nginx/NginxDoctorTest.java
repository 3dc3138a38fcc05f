package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.doctor.CheckResult;
import io.certferry.core.testing.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor}'s look at nginx frontends, over a real OpenSSH server on loopback to a real nginx: host key, login,
 * writable folders, {@code nginx -t}, TLS at the address. Nothing is written: the files and nginx stay as they were.
 */
class NginxDoctorTest {
  private static final List<String> NAMES = List.of("a.test", "www.a.test");
  private static final TestPki.Ca CA = TestPki.root("Certferry doctor root").intermediate("Certferry doctor CA");

  @TempDir Path tmp;
  private NginxProcess nginx;
  private SshdProcess sshd;

  @BeforeEach
  void start() throws Exception {
    sshd = SshdProcess.start(tmp.resolve("sshd"));
    nginx = NginxProcess.start(tmp.resolve("nginx"), CA.leaf(NAMES));
  }

  @AfterEach
  void stop() {
    if (nginx != null) {
      nginx.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private Map<String, Object> overSsh(Path knownHosts) {
    Map<String, Object> s = NginxLocalDeployTest.settings(nginx);
    s.put("ssh", Map.of("host", "127.0.0.1", "port", sshd.port(), "user", "root",
        "keyFile", sshd.clientKey().toString(), "knownHosts", knownHosts.toString(), "connectTimeout", "10s"));
    return s;
  }

  private static List<CheckResult> diagnose(Map<String, Object> settings) {
    return NginxLocalDeployTest.target(settings).diagnose(NAMES);
  }

  private static CheckResult about(List<CheckResult> results, String subject) {
    return results.stream().filter(r -> r.subject().endsWith(subject)).findFirst().orElseThrow(
        () -> new AssertionError("no " + subject + " in " + results));
  }

  @Test
  void aFrontendOverSshThatWouldTakeADeployIsOkAndNothingChanges() throws Exception {
    byte[] cert = Files.readAllBytes(nginx.certificate());
    String served = nginx.servedSha256("a.test");

    List<CheckResult> r = diagnose(overSsh(sshd.knownHosts()));

    assertThat(r).extracting(CheckResult::status).as(r.toString()).containsOnly(CheckResult.Status.OK);
    assertThat(r).extracting(CheckResult::subject).allMatch(s -> s.startsWith("frontend 127.0.0.1:" + sshd.port()));
    assertThat(about(r, "login").message()).isEqualTo("host key known, logged in to root@127.0.0.1:" + sshd.port());
    assertThat(about(r, "certificate folder").message()).isEqualTo(nginx.certificate().getParent() + " is writable");
    assertThat(about(r, "config test").message()).contains("-t` passes");
    assertThat(about(r, "TLS").message()).startsWith("127.0.0.1:" + nginx.port() + " answers TLS (serves ");
    assertThat(Files.readAllBytes(nginx.certificate())).isEqualTo(cert);
    assertThat(nginx.servedSha256("a.test")).isEqualTo(served);
  }

  @Test
  void anUnknownOrChangedHostKeyFailsWithHowToLearnIt() throws Exception {
    CheckResult changed = diagnose(overSsh(sshd.knownHostsWithAnotherKey())).get(0);
    CheckResult unknown = diagnose(overSsh(sshd.knownHostsWithoutThisHost())).get(0);

    assertThat(changed.subject()).endsWith("host key");
    assertThat(changed.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(changed.message()).contains("has CHANGED");
    assertThat(changed.fix().orElseThrow()).contains("ssh-keyscan");
    assertThat(unknown.subject()).endsWith("host key");
    assertThat(unknown.status()).isEqualTo(CheckResult.Status.FAIL);
  }

  @Test
  void aLoginThatIsRefusedFails() throws Exception {
    Map<String, Object> s = overSsh(sshd.knownHosts());
    Path otherKey = tmp.resolve("other_ed25519");
    SshdProcess.keygen(otherKey);
    s.put("ssh", Map.of("host", "127.0.0.1", "port", sshd.port(), "user", "root", "keyFile", otherKey.toString(),
        "knownHosts", sshd.knownHosts().toString(), "connectTimeout", "10s"));

    CheckResult r = diagnose(s).get(0);

    assertThat(r.subject()).endsWith("login");
    assertThat(r.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(r.fix().orElseThrow()).contains("ssh -i KEY -p PORT USER@HOST true");
  }

  @Test
  void aMissingFolderAFailingConfigTestAndASilentAddressEachFail() throws Exception {
    Map<String, Object> s = overSsh(sshd.knownHosts());
    s.put("keyPath", tmp.resolve("no-such-folder/key.pem").toString());
    s.put("address", "127.0.0.1:" + Poll.freePort());
    Path conf = nginx.dir().resolve("nginx.conf");
    Files.writeString(conf, Files.readString(conf).replace("ssl_certificate_key ", "sl_certificate_key "));

    List<CheckResult> r = diagnose(s);

    assertThat(about(r, "key folder").status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(about(r, "key folder").message()).startsWith(tmp.resolve("no-such-folder") + " is missing or not writable");
    assertThat(about(r, "config test").status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(about(r, "config test").message()).contains("unknown directive \"sl_certificate_key\"");
    assertThat(about(r, "config test").fix().orElseThrow()).startsWith("fix nginx's configuration");
    assertThat(about(r, "TLS").status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(about(r, "TLS").fix().orElseThrow()).contains("nginx listens there with ssl");
  }

  @Test
  void aLocalFrontendIsCheckedTheSameWay() {
    List<CheckResult> r = diagnose(NginxLocalDeployTest.settings(nginx));

    assertThat(r).extracting(CheckResult::status).as(r.toString()).containsOnly(CheckResult.Status.OK);
    assertThat(about(r, "login").message()).isEqualTo("runs on this machine");
  }
}
