package io.certferry.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The store's only way to touch the disk: every file is written to a temporary name in its final
 * folder, fsynced, renamed into place, and the folder fsynced, so a crash leaves the old file or
 * the new one. Temporary names start with {@value #TEMP_PREFIX}; readers ignore them.
 *
 * <p>Records the engine rebuilds when they are behind (state, deployments, the order journal, the
 * spec) are {@linkplain #replaceRecord replaced} the same way but without the folder fsync: a crash
 * still leaves the old or the new file, whole, and a power cut at worst the old one, which the next
 * pass corrects. A lineage's pass writes several of them; the folder fsyncs were a third of all fsyncs.
 */
final class AtomicFiles {
  static final String TEMP_PREFIX = ".tmp-";
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> SECRET = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");

  private final FileSteps steps;
  /** Folders whose temporaries {@link #removeTemporariesOnce} has removed. */
  private final Set<Path> swept = ConcurrentHashMap.newKeySet();

  AtomicFiles(FileSteps steps) { this.steps = steps; }

  /** Creates the folder and any missing parents under {@code root}, each 0700. */
  void createDirectories(Path root, Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.getParent();
    if (parent != null && !dir.equals(root) && dir.startsWith(root)) {
      createDirectories(root, parent);
    } else if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent); // above the store: ordinary folders, like mkdir -p
    }
    steps.before("mkdir", dir);
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
      Files.setPosixFilePermissions(dir, DIR); // the umask may have narrowed it; make it exact
      if (parent != null) {
        fsyncDirectory(parent);
      }
    } catch (FileAlreadyExistsException raced) {
      // another process created it first: fine
    }
  }

  /**
   * Creates a temporary folder (0700) that {@link #publish} renames into place later; its parent is not
   * fsynced here, the rename's folder fsync covers it.
   */
  void createTemporaryDirectory(Path dir) throws IOException {
    steps.before("mkdir", dir);
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
    Files.setPosixFilePermissions(dir, DIR);
  }

  /** Replaces {@code target} atomically with {@code content}. */
  void write(Path target, byte[] content, Set<PosixFilePermission> perms) throws IOException {
    replaceRecord(target, content, perms);
    fsyncDirectory(target.getParent());
  }

  /**
   * Replaces a record atomically, its content fsynced before the rename and the folder not fsynced: after a
   * power cut it reads as the new content or the previous one, never as a mix or empty.
   */
  void replaceRecord(Path target, byte[] content, Set<PosixFilePermission> perms) throws IOException {
    Path temp = tempName(target.getParent(), target.getFileName().toString());
    try {
      writeNew(temp, content, perms);
      steps.before("rename", target);
      move(temp, target);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Deletes a record; the folder is not fsynced (see {@link #replaceRecord}). */
  void deleteRecord(Path file) throws IOException {
    steps.before("delete", file);
    Files.deleteIfExists(file);
  }

  /** Writes a file that must not exist yet (inside a folder not yet visible), fsynced. */
  void writeNew(Path file, byte[] content, Set<PosixFilePermission> perms) throws IOException {
    steps.before("create", file);
    try (FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(perms))) {
      Files.setPosixFilePermissions(file, perms);
      steps.before("write", file);
      ByteBuffer buf = ByteBuffer.wrap(content);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      steps.before("fsync", file);
      ch.force(true);
    }
  }

  /** Renames a finished temporary folder or file to its final name and fsyncs the parent folder. */
  void publish(Path temp, Path target) throws IOException {
    steps.before("rename", target);
    move(temp, target);
    fsyncDirectory(target.getParent());
  }

  void delete(Path file) throws IOException {
    steps.before("delete", file);
    if (Files.deleteIfExists(file)) {
      fsyncDirectory(file.getParent());
    }
  }

  void fsyncDirectory(Path dir) throws IOException {
    steps.before("fsync-dir", dir);
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** Deletes what a crashed write left behind in {@code dir}; called only under the lock of what owns it. */
  void removeTemporaries(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, AtomicFiles::isTemp)) {
      for (Path p : ds) {
        deleteTree(p);
      }
    }
  }

  /**
   * {@link #removeTemporaries}, the first time for each folder. Only a process that died leaves temporaries (a
   * write that fails removes its own), so a live store needs to look once; readers ignore them in any case.
   */
  void removeTemporariesOnce(Path dir) throws IOException {
    if (!swept.contains(dir)) {
      removeTemporaries(dir);
      swept.add(dir);
    }
  }

  /** Deletes a file or a folder with everything in it, never following a link. */
  static void deleteTree(Path p) throws IOException {
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> s = Files.list(p)) {
        for (Path c : (Iterable<Path>) s::iterator) {
          deleteTree(c);
        }
      }
    }
    Files.deleteIfExists(p);
  }

  static Path tempName(Path dir, String base) {
    return dir.resolve(TEMP_PREFIX + base + "-" + Long.toHexString(ThreadLocalRandom.current().nextLong()));
  }

  static boolean isTemp(Path p) {
    return p.getFileName().toString().startsWith(TEMP_PREFIX);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system under " + to.getParent() + " cannot rename atomically; "
          + "put the store on a local POSIX file system", e);
    }
  }
}
