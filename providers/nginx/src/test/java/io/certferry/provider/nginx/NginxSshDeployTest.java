package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.testing.TestPki;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drives the same real nginx remotely: the deploy goes through a real OpenSSH server on 127.0.0.1
 * (SFTP for files, exec for nginx -t and the reload), the proof by TLS handshake.
 */
class NginxSshDeployTest {
  private static final List<String> NAMES = List.of("a.test", "www.a.test");
  private static TestPki.Ca ca;

  @TempDir Path tmp;
  private NginxProcess nginx;
  private SshdProcess sshd;
  private CertificateBundle oldBundle;

  @BeforeAll
  static void pki() {
    ca = TestPki.root("Certferry ssh test root").intermediate("Certferry ssh test CA");
  }

  @BeforeEach
  void start() throws Exception {
    oldBundle = ca.leaf(NAMES);
    sshd = SshdProcess.start(tmp.resolve("sshd"));
    nginx = NginxProcess.start(tmp.resolve("nginx"), oldBundle);
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

  private Map<String, Object> settings(Path knownHosts) {
    Map<String, Object> s = NginxLocalDeployTest.settings(nginx);
    s.put("ssh", Map.of("host", "127.0.0.1", "port", sshd.port(), "user", "root",
        "keyFile", sshd.clientKey().toString(), "knownHosts", knownHosts.toString(), "connectTimeout", "10s"));
    s.put("owner", "root");
    s.put("group", "root");
    s.put("keyMode", "0640");
    return s;
  }

  @Test
  void deploysOverSshAndProvesItByHandshake() throws Exception {
    NginxTarget target = NginxLocalDeployTest.target(settings(sshd.knownHosts()));
    CertificateBundle next = ca.leaf(NAMES);

    DeployReceipt receipt = target.deploy(next);

    assertThat(receipt.changed()).isTrue();
    assertThat(receipt.details()).containsKey("frontend.127.0.0.1:" + sshd.port());
    assertThat(nginx.servedSha256("www.a.test")).isEqualTo(next.sha256());
    assertThat(Files.readAllBytes(nginx.key())).isEqualTo(Pem.privateKey(next.privateKey()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nginx.key()))).isEqualTo("rw-r-----");
    assertThat(Pem.firstCertificateSha256(Files.readAllBytes(Path.of(nginx.certificate() + ".prev")))).contains(oldBundle.sha256());
    try (var files = Files.list(nginx.certificate().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("certferry"));
    }
    assertThat(target.deploy(next).changed()).as("second deploy is a no-op").isFalse();
  }

  @Test
  void aMismatchedKeyOverSshIsRolledBackRemotely() throws Exception {
    NginxTarget target = NginxLocalDeployTest.target(settings(sshd.knownHosts()));
    byte[] keyBefore = Files.readAllBytes(nginx.key());
    CertificateBundle good = ca.leaf(NAMES);
    CertificateBundle mismatched = CertificateBundle.of(good.leaf(), good.chain(), ca.leaf(NAMES).privateKey());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(mismatched));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("config test").contains("on root@127.0.0.1:" + sshd.port())
        .contains("key values mismatch").contains("serves the previous certificate again");
    assertThat(Files.readAllBytes(nginx.key())).isEqualTo(keyBefore);
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());
  }

  @Test
  void aChangedHostKeyIsRefusedAndNothingChanges() throws Exception {
    Path knownHosts = sshd.knownHostsWithAnotherKey();
    Map<String, Object> s = settings(knownHosts);
    s.remove("address"); // so deployedFingerprint has to go over SSH too
    NginxTarget target = NginxLocalDeployTest.target(s);
    byte[] certBefore = Files.readAllBytes(nginx.certificate());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(ca.leaf(NAMES)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("ssh host key of [127.0.0.1]:" + sshd.port() + " has CHANGED")
        .contains("it offered ssh-ed25519 key SHA256:")
        .contains(knownHosts.toString())
        .contains("ssh-keygen -R '[127.0.0.1]:" + sshd.port() + "' -f " + knownHosts)
        .contains("nothing was changed");
    assertThat(e.isRetryable()).isFalse();
    assertThat(Files.readAllBytes(nginx.certificate())).isEqualTo(certBefore);
    assertThat(Path.of(nginx.certificate() + ".prev")).doesNotExist();
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());
    DeployException read = catchThrowableOfType(DeployException.class, target::deployedFingerprint);
    assertThat(read).isNotNull();
    assertThat(read.getMessage()).contains("has CHANGED");
  }

  @Test
  void anUnknownHostIsRefused() throws Exception {
    Path knownHosts = sshd.knownHostsWithoutThisHost();
    NginxTarget target = NginxLocalDeployTest.target(settings(knownHosts));

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(ca.leaf(NAMES)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("ssh host [127.0.0.1]:" + sshd.port() + " is not in known_hosts file " + knownHosts)
        .contains("ssh-ed25519 key SHA256:")
        .contains("ssh-keyscan -p " + sshd.port() + " -t ed25519 127.0.0.1 >> " + knownHosts);
    assertThat(Path.of(nginx.certificate() + ".prev")).doesNotExist();
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());
  }

  @Test
  void aMissingKnownHostsFileMeansUnknownHost() throws Exception {
    Path missing = tmp.resolve("no/known_hosts");
    NginxTarget target = NginxLocalDeployTest.target(settings(missing));

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(ca.leaf(NAMES)));

    assertThat(e).isNotNull();
    assertThat(e.getMessage()).contains("is not in known_hosts file " + missing);
  }
}
