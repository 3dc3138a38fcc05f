package io.certferry.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The FileStore's {@code watched/<name>.json}: one {@link WatchRecord} per watched endpoint, each written
 * atomically. Only the engine's pass writes them, one endpoint per thread, so no lock is needed.
 */
final class WatchFiles {
  private final Path dir;
  private final Path root;
  private final AtomicFiles files;

  WatchFiles(Path root, AtomicFiles files) {
    this.root = root;
    this.dir = root.resolve("watched");
    this.files = files;
  }

  Optional<WatchRecord> read(String name) {
    Path f = file(name);
    return Files.exists(f) ? Optional.of(StoreJson.read(f, WatchRecord.class)) : Optional.empty();
  }

  List<WatchRecord> all() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<WatchRecord> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s.sorted()::iterator) {
        String n = p.getFileName().toString();
        if (n.endsWith(".json") && !AtomicFiles.isTemp(p)) {
          out.add(StoreJson.read(p, WatchRecord.class));
        }
      }
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  void save(WatchRecord r) {
    Path f = file(r.name());
    try {
      files.createDirectories(root, dir);
      files.write(f, StoreJson.write(r), AtomicFiles.PUBLIC);
    } catch (IOException e) {
      throw new StoreException("cannot write " + f + ": " + e.getMessage(), e);
    }
  }

  void delete(String name) {
    try {
      files.delete(file(name));
    } catch (IOException e) {
      throw new StoreException("cannot remove " + file(name) + ": " + e.getMessage(), e);
    }
  }

  private Path file(String name) { return dir.resolve(FileStore.checkName(name) + ".json"); }
}
