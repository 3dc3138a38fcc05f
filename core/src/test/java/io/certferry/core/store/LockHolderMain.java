package io.certferry.core.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Run in a second JVM by {@link FileStoreLockTest}: takes a lineage lock, says "locked", holds it until stdin closes. */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    FileStore store = FileStore.open(Path.of(args[0]));
    try (CertificateStore.Lock lock = store.lock(args[1])) {
      System.out.println("locked");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    System.out.println("released");
  }
}
