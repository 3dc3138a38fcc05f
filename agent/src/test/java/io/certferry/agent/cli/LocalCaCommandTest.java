package io.certferry.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.agent.testing.CliRun;
import io.certferry.core.store.FileStore;
import io.certferry.core.x509.CertificateReader;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaCommandTest {
  @TempDir
  Path dir;

  @Test
  void exportCreatesTheCaOnceAndPrintsItsRoot() throws Exception {
    Path store = dir.resolve("store");

    CliRun first = CliRun.of(Clock.systemUTC(), "--store", store.toString(), "local-ca", "export");
    CliRun second = CliRun.of(Clock.systemUTC(), "local-ca", "export", "--store", store.toString());

    assertThat(first.code()).as(first.toString()).isZero();
    assertThat(first.err()).contains("Created the local CA CN=Certferry Local CA");
    assertThat(first.out()).startsWith("-----BEGIN CERTIFICATE-----").contains("-----END CERTIFICATE-----");
    assertThat(second.code()).as(second.toString()).isZero();
    assertThat(second.err()).doesNotContain("Created");
    assertThat(second.out()).isEqualTo(first.out());
    X509Certificate root = CertificateReader.read("stdout", first.out().getBytes()).get(0);
    assertThat(FileStore.open(store).localCa().orElseThrow().certificate()).isEqualTo(root);
    assertThat(first.out()).doesNotContain("PRIVATE");
    assertThat(FileStore.open(store).names()).as("the creation lock is no lineage").isEmpty();
  }

  @Test
  void exportWritesFileAtomically() throws Exception {
    Path store = dir.resolve("store");
    Path out = dir.resolve("root.pem");

    CliRun run = CliRun.of(Clock.systemUTC(), "--store", store.toString(), "local-ca", "export", "--out", out.toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).contains("Wrote the local CA root CN=Certferry Local CA").contains(out.toString());
    List<X509Certificate> certs = CertificateReader.read(out);
    assertThat(certs).hasSize(1);
    assertThat(certs.get(0).getBasicConstraints()).isZero();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("store", "root.pem");
    }
  }

  @Test
  void exportToMissingFolderIsRejectedAndWritesNothing() {
    Path store = dir.resolve("store");

    CliRun run = CliRun.of(Clock.systemUTC(), "--store", store.toString(), "local-ca", "export", "--out",
        dir.resolve("nope/root.pem").toString());

    assertThat(run.code()).isEqualTo(ExitCodes.INPUT_REJECTED);
    assertThat(run.err()).contains("does not exist; create it or choose another path");
    assertThat(FileStore.open(store).localCa()).isEmpty();
  }
}
