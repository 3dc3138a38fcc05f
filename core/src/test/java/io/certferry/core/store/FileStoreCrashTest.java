package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;
import io.certferry.core.x509.KeyType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Interrupts each write at every file-system step, then opens a fresh store and checks it reads
 * the complete old state or the complete new state. "crash" stops dead (an Error nothing catches,
 * leaving temporary files as a killed process would); "ioerror" is a failing disk (IOException).
 */
class FileStoreCrashTest {
  static TestPki.Ca ca;
  static CertificateBundle oldBundle;
  static CertificateBundle newBundle;
  static PrivateKey oldKey;
  static PrivateKey newKey;

  @TempDir Path tmp;

  static final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String m) { super(m); }
  }

  @BeforeAll
  static void pki() {
    ca = TestPki.root("USERTrust RSA Certification Authority").intermediate("Sectigo RSA Domain Validation Secure Server CA");
    oldBundle = ca.leaf(List.of("example.org"));
    newBundle = ca.leaf(List.of("example.org", "www.example.org"));
    oldKey = KeyType.EC_P256.generate().getPrivate();
    newKey = KeyType.EC_P256.generate().getPrivate();
  }

  @ParameterizedTest
  @ValueSource(strings = {"crash", "ioerror"})
  void addVersion(String mode) throws Exception {
    List<String> outcomes = runEveryStep(mode,
        s -> s.addVersion("example-org", oldBundle, "imported", Map.of()),
        s -> s.addVersion("example-org", newBundle, "imported", Map.of()),
        s -> {
          StoredVersion cur = s.current("example-org").orElseThrow();
          CertificateBundle loaded = s.load("example-org", cur.number());
          assertThat(loaded.sha256()).isEqualTo(cur.sha256());
          assertThat(loaded.privateKey().getEncoded()).isEqualTo(
              (cur.sha256().equals(oldBundle.sha256()) ? oldBundle : newBundle).privateKey().getEncoded());
          // Versions 1..current, all readable; the first is the old certificate.
          List<StoredVersion> all = s.versions("example-org");
          assertThat(all).extracting(StoredVersion::number)
              .isEqualTo(IntStream.rangeClosed(1, cur.number()).boxed().toList());
          assertThat(all.get(0).sha256()).isEqualTo(oldBundle.sha256());
          return cur.sha256().equals(oldBundle.sha256()) ? "old" : cur.sha256().equals(newBundle.sha256()) ? "new" : "MIX";
        });
    assertThat(outcomes).doesNotContain("MIX").contains("old");
    // A crash after `current` was renamed into place (only its folder fsync left) already reads new.
    assertThat(outcomes.get(outcomes.size() - 1)).isEqualTo("new");
  }

  @ParameterizedTest
  @ValueSource(strings = {"crash", "ioerror"})
  void saveSpec(String mode) throws Exception {
    LineageSpec a = new LineageSpec("example-org", List.of("example.org"), "imported", "ec-p256", Map.of(), List.of());
    LineageSpec b = new LineageSpec("example-org", List.of("example.org", "www.example.org"), "imported", "rsa-2048",
        Map.of("renewBefore", "30d"), List.of("lb"));
    List<String> outcomes = runEveryStep(mode, s -> s.saveSpec(a), s -> s.saveSpec(b),
        s -> classify(s.spec("example-org").orElseThrow(), a, b));
    assertThat(outcomes).doesNotContain("MIX").contains("old");
  }

  @ParameterizedTest
  @ValueSource(strings = {"crash", "ioerror"})
  void saveDeployments(String mode) throws Exception {
    Instant t = Instant.parse("2026-05-01T10:00:00Z");
    Deployments a = Deployments.empty().with(new TargetDeployment("lb", "aa", t, TargetDeployment.Result.IN_SYNC, 0, null, null, null));
    Deployments b = a.with(new TargetDeployment("cdn", "bb", t, TargetDeployment.Result.FAILED, 3, t, "HTTP 500", Map.of()));
    List<String> outcomes = runEveryStep(mode, s -> s.saveDeployments("example-org", a),
        s -> s.saveDeployments("example-org", b), s -> classify(s.deployments("example-org"), a, b));
    assertThat(outcomes).doesNotContain("MIX").contains("old");
  }

  @ParameterizedTest
  @ValueSource(strings = {"crash", "ioerror"})
  void savePendingKey(String mode) throws Exception {
    List<String> outcomes = runEveryStep(mode, s -> s.savePendingKey("example-org", oldKey),
        s -> s.savePendingKey("example-org", newKey),
        s -> {
          byte[] k = s.pendingKey("example-org").orElseThrow().getEncoded();
          return Arrays.equals(k, oldKey.getEncoded()) ? "old"
              : Arrays.equals(k, newKey.getEncoded()) ? "new" : "MIX";
        });
    assertThat(outcomes).doesNotContain("MIX").contains("old");
  }

  private static String classify(Object read, Object old, Object neu) {
    return read.equals(old) ? "old" : read.equals(neu) ? "new" : "MIX";
  }

  interface StoreAction { void run(FileStore s) throws Exception; }

  interface Reader { String read(FileStore s) throws Exception; }

  /**
   * For step 1, 2, ...: sets up the old state in a fresh folder, runs the write with a failure at
   * that step, then reads with a fresh store; stops at the first step number the write never reaches.
   * Returns "old"/"new" per step. Also checks the store can be written again after each failure.
   */
  private List<String> runEveryStep(String mode, StoreAction setUp, StoreAction write, Reader check) throws Exception {
    List<String> outcomes = new ArrayList<>();
    for (int failAt = 1; ; failAt++) {
      Path root = Files.createDirectory(tmp.resolve(mode + "-" + failAt));
      setUp.run(FileStore.open(root));
      AtomicInteger step = new AtomicInteger();
      int target = failAt;
      List<String> seen = new ArrayList<>();
      FileStore failing = FileStore.builder().root(root).fileSteps((what, path) -> {
        seen.add(what + " " + root.relativize(path));
        if (step.incrementAndGet() == target) {
          String msg = "injected at step " + target + ": " + what + " " + path.getFileName();
          if (mode.equals("crash")) {
            throw new SimulatedCrash(msg);
          }
          throw new IOException(msg);
        }
      }).build();
      boolean failed;
      try {
        write.run(failing);
        failed = false;
      } catch (SimulatedCrash | StoreException e) {
        failed = true;
      }
      if (!failed) {
        assertThat(failAt).as("the write has file-system steps to interrupt").isGreaterThan(3);
        assertThat(check.read(FileStore.open(root))).isEqualTo("new");
        return outcomes;
      }
      String outcome = check.read(FileStore.open(root));
      outcomes.add(outcome);
      assertThat(outcome).as("after failing at %s", seen.get(seen.size() - 1)).isIn("old", "new");
      // Leftovers of the failed write never block or confuse the next one, and are cleaned by it.
      write.run(FileStore.open(root));
      assertThat(check.read(FileStore.open(root))).isEqualTo("new");
      try (Stream<Path> all = Files.walk(root.resolve("certs"))) {
        assertThat(all.filter(AtomicFiles::isTemp)).as("temporary files after a good write").isEmpty();
      }
    }
  }

  @org.junit.jupiter.api.Test
  void failedAddVersionSaysWhichLineage() {
    FileStore s = FileStore.builder().root(tmp).fileSteps((what, path) -> {
      if (what.equals("rename")) {
        throw new IOException("disk full");
      }
    }).build();
    assertThatThrownBy(() -> s.addVersion("example-org", oldBundle, "imported", Map.of()))
        .isInstanceOf(StoreException.class).hasMessageContaining("lineage 'example-org'").hasMessageContaining("disk full");
    assertThat(FileStore.open(tmp).current("example-org")).isEmpty();
    assertThat(FileStore.open(tmp).names()).isEmpty();
  }

}
