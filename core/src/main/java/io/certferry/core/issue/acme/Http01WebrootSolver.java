package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * http-01 through a web server that already serves a folder: the response is written atomically
 * to {@code <webroot>/.well-known/acme-challenge/<token>} and removed afterwards (folders it created too).
 *
 * @since 0.1
 */
public final class Http01WebrootSolver implements ChallengeSolver {
  private final Path webroot;
  private final Set<Path> createdDirs = ConcurrentHashMap.newKeySet();

  public Http01WebrootSolver(Path webroot) {
    this.webroot = webroot;
  }

  @Override
  public String type() { return "http-01"; }

  @Override
  public Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException {
    if (!Files.isDirectory(webroot)) {
      throw new IssueException(IssueException.Kind.LOCAL, "http-01: webroot " + webroot + " is not a folder; pass the folder your web server serves for the name");
    }
    if (!challenge.token().matches("[A-Za-z0-9_-]+")) {
      throw new IssueException(IssueException.Kind.LOCAL, "http-01: the CA sent a token with characters outside base64url; refusing to use it as a file name");
    }
    Path dir = webroot.resolve(".well-known").resolve("acme-challenge");
    Path file = dir.resolve(challenge.token());
    try {
      synchronized (this) {
        if (!Files.exists(dir.getParent())) {
          createdDirs.add(dir.getParent());
        }
        if (!Files.exists(dir)) {
          createdDirs.add(dir);
        }
        Files.createDirectories(dir);
      }
      writeAtomically(file, challenge.keyAuthorization());
      return p -> remove(file, dir, p);
    } catch (IOException e) {
      throw new IssueException(IssueException.Kind.LOCAL, "http-01: cannot write " + file + " (" + e.getMessage() + "); check the webroot's permissions", e);
    }
  }

  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), ".certferry-", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      // the web server runs as another user: the response is public anyway
      tmp.toFile().setReadable(true, false);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes the file, then the folders this solver created once they are empty (other orders may still use them). */
  private synchronized void remove(Path file, Path dir, Consumer<String> progress) {
    try {
      Files.deleteIfExists(file);
      if (createdDirs.contains(dir) && deleteIfEmpty(dir)) {
        createdDirs.remove(dir);
      }
      if (createdDirs.contains(dir.getParent()) && !Files.exists(dir) && deleteIfEmpty(dir.getParent())) {
        createdDirs.remove(dir.getParent());
      }
    } catch (IOException e) {
      progress.accept("http-01: could not remove " + file + ": " + e.getMessage());
    }
  }

  private static boolean deleteIfEmpty(Path dir) throws IOException {
    try (var entries = Files.list(dir)) {
      if (entries.findAny().isPresent()) {
        return false;
      }
    }
    return Files.deleteIfExists(dir);
  }
}
