package io.certferry.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileStoreLockTest {
  @TempDir Path root;

  private FileStore store(Duration timeout) { return FileStore.builder().root(root).lockTimeout(timeout).build(); }

  @Test
  void secondThreadWaitsThenTimesOutNamingTheLineage() throws Exception {
    FileStore a = store(Duration.ofSeconds(5));
    FileStore b = store(Duration.ofMillis(200)); // another instance on the same folder shares the lock
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = a.lock("shop")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> b.lock("shop")).isInstanceOf(StoreException.class)
        .hasMessageContaining("lineage 'shop' is locked").hasMessageContaining("waited 200 ms");
    // Writes take the lock too.
    assertThatThrownBy(() -> b.saveState("shop", LineageState.empty())).isInstanceOf(StoreException.class)
        .hasMessageContaining("'shop'");
    // Another lineage is not blocked.
    try (CertificateStore.Lock other = b.lock("blog")) {
      assertThat(other).isNotNull();
    }
    release.countDown();
    holder.get(10, TimeUnit.SECONDS);
    try (CertificateStore.Lock l = b.lock("shop")) {
      b.saveState("shop", LineageState.empty()); // re-entrant inside the caller's lock
    }
    assertThat(b.state("shop")).isEqualTo(LineageState.empty());
  }

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

  @Test
  void waitingThreadGetsTheLockWhenReleasedWithinTheTimeout() throws Exception {
    FileStore s = store(Duration.ofSeconds(20));
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
      try (CertificateStore.Lock l = s.lock("shop")) {
        held.countDown();
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    held.await(10, TimeUnit.SECONDS);
    CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> {
      try (CertificateStore.Lock l = s.lock("shop")) {
        return "got it";
      }
    });
    assertThat(waiter).isNotDone();
    release.countDown();
    assertThat(waiter.get(20, TimeUnit.SECONDS)).isEqualTo("got it");
    holder.get(10, TimeUnit.SECONDS);
  }

  private static String readLine(BufferedReader r) {
    try {
      return r.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
