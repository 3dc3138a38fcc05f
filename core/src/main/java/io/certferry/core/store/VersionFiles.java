package io.certferry.core.store;

import static io.certferry.core.store.FileStore.ascii;
import static io.certferry.core.store.FileStore.readBytes;

import io.certferry.core.CertificateBundle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lineage's versions in a {@link FileStore}: {@code versions/<n>/} folders, each complete (certificate, chain,
 * key, metadata) before it is renamed into place and never rewritten, and {@code current}, the number of the one
 * in use, replaced atomically after it. The caller holds the lineage's lock for {@link #add}.
 */
final class VersionFiles {
  private static final String CURRENT = "current";
  private static final String META = "meta.json";

  private final AtomicFiles files;
  private final Clock clock;

  VersionFiles(AtomicFiles files, Clock clock) {
    this.files = files;
    this.clock = clock;
  }

  Optional<StoredVersion> current(Path lineage) {
    return currentNumber(lineage).map(n -> meta(lineage, n));
  }

  /** Versions up to the current one: a higher folder is an add that crashed before it became current. */
  List<StoredVersion> upToCurrent(Path lineage) {
    int current = currentNumber(lineage).orElse(0);
    List<StoredVersion> out = new ArrayList<>();
    for (int n : numbers(lineage)) {
      if (n <= current) {
        out.add(meta(lineage, n));
      }
    }
    return out;
  }

  CertificateBundle load(String name, Path lineage, int version) {
    Path dir = dir(lineage, version);
    if (!Files.isDirectory(dir)) {
      throw new StoreException("lineage '" + name + "' has no version " + version + " (" + dir + ")");
    }
    List<X509Certificate> leaf = StorePem.readCertificates(readBytes(dir.resolve("cert.pem")), dir + "/cert.pem");
    List<X509Certificate> chain = StorePem.readCertificates(readBytes(dir.resolve("chain.pem")), dir + "/chain.pem");
    PrivateKey key = StorePem.readPrivateKey(readBytes(dir.resolve("key.pem")), dir + "/key.pem");
    if (leaf.size() != 1) {
      throw new StoreException(dir + "/cert.pem: expected one certificate, found " + leaf.size());
    }
    return CertificateBundle.of(leaf.get(0), chain, key);
  }

  /** Writes the next version's folder, renames it into place, then moves {@code current} to it. */
  StoredVersion add(Path root, Path lineage, CertificateBundle bundle, String source, Map<String, String> details)
      throws IOException {
    Path versions = lineage.resolve("versions");
    files.createDirectories(root, versions);
    files.removeTemporaries(lineage);
    files.removeTemporaries(versions);
    int n = currentNumber(lineage).orElse(0) + 1;
    removeAbandoned(lineage, n);
    StoredVersion meta = StoredVersion.of(n, bundle, source, clock.instant(), details);
    Path temp = AtomicFiles.tempName(versions, Integer.toString(n));
    writeFolder(temp, bundle, meta);
    files.publish(temp, versions.resolve(Integer.toString(n)));
    files.write(lineage.resolve(CURRENT), (n + "\n").getBytes(StandardCharsets.US_ASCII), AtomicFiles.PUBLIC);
    return meta;
  }

  /** The number in {@code current}; empty when no version was ever made current. */
  private Optional<Integer> currentNumber(Path lineage) {
    Path f = lineage.resolve(CURRENT);
    try {
      String text = Files.readString(f, StandardCharsets.US_ASCII).strip();
      return Optional.of(Integer.parseInt(text));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      throw new StoreException(f + ": unreadable current version pointer; write the number of a folder in "
          + "versions/ into it", e);
    }
  }

  private StoredVersion meta(Path lineage, int n) {
    return StoreJson.readVersion(dir(lineage, n).resolve(META));
  }

  private static Path dir(Path lineage, int n) { return lineage.resolve("versions").resolve(Integer.toString(n)); }

  private static List<Integer> numbers(Path lineage) {
    Path dir = lineage.resolve("versions");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Integer> numbers = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String f = p.getFileName().toString();
        if (f.matches("[1-9][0-9]{0,8}")) {
          numbers.add(Integer.parseInt(f));
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    numbers.sort(null);
    return numbers;
  }

  /**
   * Deletes version folders at or above {@code from}: they were renamed into place by an add that
   * crashed before {@code current} moved to them, so no reader ever used them. Numbers only grow
   * ({@code current} never moves back; a rollback adds the old bundle as a new version).
   */
  private void removeAbandoned(Path lineage, int from) throws IOException {
    for (int n : numbers(lineage)) {
      if (n >= from) {
        AtomicFiles.deleteTree(dir(lineage, n));
      }
    }
  }

  private void writeFolder(Path dir, CertificateBundle bundle, StoredVersion meta) throws IOException {
    files.createTemporaryDirectory(dir);
    files.writeNew(dir.resolve("cert.pem"), ascii(StorePem.certificates(List.of(bundle.leaf()))), AtomicFiles.PUBLIC);
    files.writeNew(dir.resolve("chain.pem"), ascii(StorePem.certificates(bundle.chain())), AtomicFiles.PUBLIC);
    files.writeNew(dir.resolve("fullchain.pem"), ascii(StorePem.certificates(bundle.fullChain())), AtomicFiles.PUBLIC);
    files.writeNew(dir.resolve("key.pem"), ascii(StorePem.privateKey(bundle.privateKey())), AtomicFiles.SECRET);
    files.writeNew(dir.resolve(META), StoreJson.write(meta), AtomicFiles.PUBLIC);
    files.fsyncDirectory(dir);
  }
}
