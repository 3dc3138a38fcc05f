package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lock across processes; the lock across threads and instances is in {@link CertificateStoreContract}. */
class FileStoreLockTest {
  @TempDir Path root;

  private FileStore store(Duration timeout) { return FileStore.builder().root(root).lockTimeout(timeout).build(); }

  @Test
  void anotherProcessHoldingTheLockBlocksUntilItReleases() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        LockHolderMain.class.getName(), root.toString(), "shop"))
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String first = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      assertThat(first).isEqualTo("locked");

      FileStore mine = store(Duration.ofMillis(300));
      assertThatThrownBy(() -> mine.lock("shop")).isInstanceOf(StoreException.class)
          .hasMessageContaining("lineage 'shop' is locked by another process")
          .hasMessageContaining("certs/shop/.lock");

      p.getOutputStream().close(); // the holder releases when its stdin ends
      assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS)).isEqualTo("released");
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      try (CertificateStore.Lock l = store(Duration.ofSeconds(5)).lock("shop")) {
        assertThat(l).isNotNull();
      }
    } finally {
      p.destroyForcibly();
    }
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
