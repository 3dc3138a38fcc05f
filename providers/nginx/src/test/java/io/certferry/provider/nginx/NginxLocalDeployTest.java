package io.certferry.provider.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ProviderContext;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.testing.TestPki;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deploys to a real nginx on this machine (Debian's /usr/sbin/nginx, started by the test). */
class NginxLocalDeployTest {
  private static final List<String> NAMES = List.of("a.test", "www.a.test");
  private static TestPki.Ca ca;

  @TempDir Path tmp;
  private NginxProcess nginx;
  private CertificateBundle oldBundle;
  private final List<AutoCloseable> extra = new ArrayList<>();

  @BeforeAll
  static void pki() {
    ca = TestPki.root("Certferry nginx test root").intermediate("Certferry nginx test CA");
  }

  @BeforeEach
  void startNginx() throws Exception {
    oldBundle = ca.leaf(NAMES);
    nginx = NginxProcess.start(tmp.resolve("nginx"), oldBundle);
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : extra) {
      c.close();
    }
    if (nginx != null) {
      nginx.close();
    }
  }

  static Map<String, Object> settings(NginxProcess n) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("id", "frontends");
    s.put("type", "nginx");
    s.put("certificatePath", n.certificate().toString());
    s.put("keyPath", n.key().toString());
    s.put("testCommand", n.command("-t"));
    s.put("reloadCommand", n.command("-s reload"));
    s.put("address", "127.0.0.1:" + n.port());
    s.put("serverNames", NAMES);
    s.put("errorLog", n.errorLog().toString());
    s.put("proveTimeout", "5s");
    s.put("proveInterval", "100ms");
    return s;
  }

  static NginxTarget target(Map<String, Object> settings) {
    JsonNode json = new ObjectMapper().valueToTree(settings);
    assertThat(new NginxTargetFactory().validate(json)).isEmpty();
    return new NginxTargetFactory().create(json, context(ref -> { throw new IllegalArgumentException("no secrets here"); }));
  }

  @Test
  void deploysANewCertificateAndProvesItIsServed() throws Exception {
    NginxTarget target = target(settings(nginx));
    assertThat(target.deployedFingerprint()).contains(oldBundle.sha256());
    CertificateBundle next = ca.leaf(NAMES);

    DeployReceipt receipt = target.deploy(next);

    assertThat(receipt.changed()).isTrue();
    assertThat(receipt.sha256()).isEqualTo(next.sha256());
    assertThat(receipt.details()).containsKey("frontend.local");
    assertThat(receipt.details().get("frontend.local")).startsWith("updated " + next.sha256());
    for (String name : NAMES) {
      assertThat(nginx.servedSha256(name)).as("served for " + name).isEqualTo(next.sha256());
    }
    assertThat(target.deployedFingerprint()).contains(next.sha256());
    assertThat(target.verify(next).status()).isEqualTo(VerifyResult.Status.OK);
    assertThat(Files.readAllBytes(nginx.key())).isEqualTo(Pem.privateKey(next.privateKey()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nginx.key()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nginx.certificate()))).isEqualTo("rw-r--r--");
    // the previous pair is kept for a rollback, and no temporary file is left behind
    assertThat(Pem.firstCertificateSha256(Files.readAllBytes(Path.of(nginx.certificate() + ".prev")))).contains(oldBundle.sha256());
    assertThat(Files.readAllBytes(Path.of(nginx.key() + ".prev"))).isEqualTo(Pem.privateKey(oldBundle.privateKey()));
    try (var files = Files.list(nginx.certificate().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("certferry"));
    }
  }

  @Test
  void aSecondDeployOfTheSameCertificateIsANoOp() throws Exception {
    NginxTarget target = target(settings(nginx));
    CertificateBundle next = ca.leaf(NAMES);
    assertThat(target.deploy(next).changed()).isTrue();
    FileTime written = Files.getLastModifiedTime(nginx.certificate());
    Files.setLastModifiedTime(nginx.certificate(), FileTime.fromMillis(written.toMillis() - 60_000));
    long logSize = Files.size(nginx.errorLog());

    DeployReceipt again = target.deploy(next);

    assertThat(again.changed()).isFalse();
    assertThat(again.summary()).contains("already in place");
    assertThat(Files.getLastModifiedTime(nginx.certificate()).toMillis()).isEqualTo(written.toMillis() - 60_000);
    assertThat(Files.size(nginx.errorLog())).as("no reload was signalled").isEqualTo(logSize);
  }

  @Test
  void aKeyThatDoesNotMatchFailsTheConfigTestAndIsRolledBack() throws Exception {
    NginxTarget target = target(settings(nginx));
    byte[] certBefore = Files.readAllBytes(nginx.certificate());
    byte[] keyBefore = Files.readAllBytes(nginx.key());
    CertificateBundle good = ca.leaf(NAMES);
    CertificateBundle mismatched = CertificateBundle.of(good.leaf(), good.chain(), ca.leaf(NAMES).privateKey());

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(mismatched));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("1 of 1 frontends failed")
        .contains("config test")
        .contains("key values mismatch") // nginx's own words
        .contains("rolled back")
        .contains("local: FAILED, serves " + oldBundle.sha256());
    assertThat(e.isRetryable()).isTrue();
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());
    assertThat(Files.readAllBytes(nginx.certificate())).isEqualTo(certBefore);
    assertThat(Files.readAllBytes(nginx.key())).isEqualTo(keyBefore);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nginx.key()))).isEqualTo("rw-------");
  }

  @Test
  void aReloadThatExitsZeroButIsNotAppliedIsCaughtByTheHandshakeAndRolledBack() throws Exception {
    ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    extra.add(busy);
    nginx.addListen(busy.getLocalPort()); // nginx -t passes, the reload's bind() fails, workers keep the old config
    Map<String, Object> s = settings(nginx);
    s.put("proveTimeout", "2s");
    NginxTarget target = target(s);
    byte[] certBefore = Files.readAllBytes(nginx.certificate());
    CertificateBundle next = ca.leaf(NAMES);

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(next));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("the reload exited 0 but was not applied")
        .contains("serves " + oldBundle.sha256() + " for a.test")
        .contains("Address already in use") // from nginx's error log
        .contains("serves the previous certificate again");
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());
    assertThat(Files.readAllBytes(nginx.certificate())).isEqualTo(certBefore);
    assertThat(target.deployedFingerprint()).contains(oldBundle.sha256());
  }

  @Test
  void twoFrontendsDeployInParallelAndOneFailingDoesNotStopTheOther() throws Exception {
    CertificateBundle second = ca.leaf(NAMES);
    NginxProcess other = NginxProcess.start(tmp.resolve("nginx2"), second);
    extra.add(other);
    Map<String, Object> s = new LinkedHashMap<>(Map.of("id", "pair", "type", "nginx"));
    Map<String, Object> web1 = settings(nginx);
    web1.keySet().removeAll(List.of("id", "type"));
    web1.put("name", "web1");
    Map<String, Object> web2 = settings(other);
    web2.keySet().removeAll(List.of("id", "type"));
    web2.put("name", "web2");
    web2.put("testCommand", "echo 'nginx: [emerg] unknown directive \"sl_certificate\"' >&2; exit 1");
    s.put("frontends", List.of(web1, web2));
    CountDownLatch bothOpen = new CountDownLatch(2);
    NginxTarget target = NginxTarget.builder("pair", context(ref -> "unused")).frontends(target(s).frontends()).hostOpener(f -> {
      bothOpen.countDown();
      try {
        // passes only when both frontends are being deployed at the same time
        if (!bothOpen.await(10, TimeUnit.SECONDS)) {
          throw new IOException("frontends were deployed one after the other, not in parallel");
        }
      } catch (InterruptedException ie) {
        throw new InterruptedIOException("interrupted");
      }
      return HostOpener.DEFAULT.open(f);
    }).build();
    CertificateBundle next = ca.leaf(NAMES);

    DeployException e = catchThrowableOfType(DeployException.class, () -> target.deploy(next));

    assertThat(e).isNotNull();
    assertThat(e.getMessage())
        .contains("1 of 2 frontends failed")
        .contains("web1: serves " + next.sha256() + " (updated)")
        .contains("web2: FAILED, serves " + second.sha256())
        .contains("unknown directive");
    assertThat(nginx.servedSha256("a.test")).isEqualTo(next.sha256());
    assertThat(other.servedSha256("a.test")).isEqualTo(second.sha256());
    assertThat(target.deployedFingerprint()).as("the frontends disagree").isEmpty();
  }

  @Test
  void aRunThatStoppedAfterWritingTheFilesIsFinishedAndKeepsTheRealPreviousPair() throws Exception {
    NginxTarget target = target(settings(nginx));
    CertificateBundle next = ca.leaf(NAMES);
    // as a crash between the rename and the reload leaves it: .prev holds the old pair, the live files the new one
    Files.copy(nginx.certificate(), Path.of(nginx.certificate() + ".prev"));
    Files.copy(nginx.key(), Path.of(nginx.key() + ".prev"));
    Files.write(nginx.certificate(), Pem.certificates(next.fullChain()));
    Files.write(nginx.key(), Pem.privateKey(next.privateKey()));
    assertThat(nginx.servedSha256("a.test")).isEqualTo(oldBundle.sha256());

    assertThat(target.deploy(next).changed()).isTrue();

    assertThat(nginx.servedSha256("a.test")).isEqualTo(next.sha256());
    assertThat(Pem.firstCertificateSha256(Files.readAllBytes(Path.of(nginx.certificate() + ".prev"))))
        .as("the pair to roll back to is still the old one").contains(oldBundle.sha256());
  }

  private static ProviderContext context(Secrets secrets) { return ProviderContext.defaults(secrets); }
}
