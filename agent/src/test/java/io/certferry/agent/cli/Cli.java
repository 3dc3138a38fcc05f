package io.certferry.agent.cli;

import io.certferry.agent.testing.CliRun;
import io.certferry.core.CertificateBundle;
import io.certferry.core.x509.PemWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Runs the real {@code certferry} command in-process and captures what it prints; helpers for inputs and the store. */
final class Cli {
  private Cli() {}

  static CliRun run(String... args) { return CliRun.of(args); }

  static CliRun run(List<String> args) { return run(args.toArray(String[]::new)); }

  /** Every file and folder under {@code root}: path, permissions and content hash, to prove nothing changed. */
  static Map<String, String> tree(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (!Files.exists(root)) {
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String what = Files.isDirectory(p) ? "dir" : sha256(Files.readAllBytes(p));
        out.put(root.relativize(p).toString(), perms + " " + what);
      }
    }
    return out;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static Path pem(Path file, List<X509Certificate> certs) throws IOException {
    return Files.writeString(file, PemWriter.certificates(certs));
  }

  static Path pem(Path file, X509Certificate... certs) throws IOException { return pem(file, Arrays.asList(certs)); }

  static Path key(Path file, PrivateKey key) throws IOException { return Files.writeString(file, PemWriter.privateKey(key)); }

  /** Leaf, its chain shuffled together with the root, as a CA's zip often holds them. */
  static List<X509Certificate> shuffledHeap(CertificateBundle b, X509Certificate root, long seed) {
    List<X509Certificate> all = new ArrayList<>(b.chain());
    all.add(root);
    Collections.shuffle(all, new Random(seed));
    return all;
  }

  static String perms(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
