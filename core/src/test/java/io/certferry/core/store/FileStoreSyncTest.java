package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.CertificateBundle;
import io.certferry.core.testing.TestPki;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store fsyncs: every file's content before its rename; the folder after what must survive a
 * power cut (versions, current, keys), not after the records a pass rewrites and the next pass corrects.
 */
class FileStoreSyncTest {
  @TempDir Path root;
  private final List<String> steps = new ArrayList<>();

  private FileStore recording() {
    return FileStore.builder().root(root).fileSteps((step, path) -> steps.add(step + " " + root.relativize(path))).build();
  }

  @Test
  void recordsAreFsyncedBeforeTheirRenameAndTheirFolderIsNot() {
    FileStore s = recording();
    s.lock("www").close(); // the lineage folder exists, as during a pass
    steps.clear();
    s.saveState("www", LineageState.empty().withNextDue(Instant.parse("2026-06-01T00:00:00Z")));
    s.saveDeployments("www", Deployments.empty().with(new TargetDeployment("lb", "ab", Instant.parse("2026-05-01T00:00:00Z"),
        TargetDeployment.Result.IN_SYNC, 0, null, null, Map.of())));
    s.saveSpec(new LineageSpec("www", List.of("www.example.org"), "imported", "ec-p256", Map.of(), List.of()));
    assertThat(steps).filteredOn(l -> l.startsWith("fsync ")).hasSize(3);
    assertThat(steps).filteredOn(l -> l.startsWith("fsync-dir")).isEmpty();
  }

  @Test
  void aNewVersionAndTheCurrentPointerAreDurable() {
    CertificateBundle b = TestPki.root("Test Root").leaf(List.of("www.example.org"));
    FileStore s = recording();
    s.addVersion("www", b, "imported", Map.of());
    assertThat(steps).contains("fsync-dir certs/www/versions", "fsync-dir certs/www");
    // each of the five files of the version, then current
    assertThat(steps).filteredOn(l -> l.startsWith("fsync ")).hasSize(6);
  }
}
