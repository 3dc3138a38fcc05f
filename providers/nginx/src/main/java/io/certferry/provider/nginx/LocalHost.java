package io.certferry.provider.nginx;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** This machine: files through java.nio, commands through {@code sh -c}. */
final class LocalHost implements Host {
  @Override
  public String describe() { return "local"; }

  @Override
  public Optional<byte[]> read(String path) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(Path.of(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<Long> size(String path) throws IOException {
    try {
      return Optional.of(Files.size(Path.of(path)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public byte[] readFrom(String path, long offset, int max) throws IOException {
    try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ)) {
      ByteBuffer buf = ByteBuffer.allocate((int) Math.max(0, Math.min(max, ch.size() - offset)));
      while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
        // keep reading until the slice is full or the file ends
      }
      return Arrays.copyOf(buf.array(), buf.position());
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }

  @Override
  public void writeAtomically(String path, byte[] data, FileSpec spec) throws IOException {
    Path target = Path.of(path).toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = dir.resolve(TempNames.next(target.getFileName().toString()));
    Set<PosixFilePermission> perms = permissions(spec.mode());
    try {
      // The mode is set at creation so a key is never readable by others, not even for a moment.
      try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
          PosixFilePermissions.asFileAttribute(perms))) {
        ByteBuffer buf = ByteBuffer.wrap(data);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.setPosixFilePermissions(tmp, perms); // creation applied the umask; set the exact bits
      setOwnership(tmp, spec);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void delete(String path) throws IOException {
    Files.deleteIfExists(Path.of(path));
  }

  @Override
  public CommandResult run(String command, Duration timeout) throws IOException {
    Process p = new ProcessBuilder("sh", "-c", command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException("command `" + command + "` did not finish within " + timeout.toSeconds()
            + " s and was killed; raise commandTimeout or fix the command");
      }
      return new CommandResult(command, p.exitValue(), out.get(5, TimeUnit.SECONDS), err.get(5, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running `" + command + "`", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("could not read the output of `" + command + "`: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    // nothing held
  }

  /** Reads a stream on its own thread: the shared pool may have one thread, and two pipes must drain at once. */
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        result.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        result.completeExceptionally(new UncheckedIOException(e));
      }
    }, "certferry-command-output");
    t.setDaemon(true);
    t.start();
    return result;
  }

  private static void setOwnership(Path file, FileSpec spec) throws IOException {
    if (spec.owner().isEmpty() && spec.group().isEmpty()) {
      return;
    }
    UserPrincipalLookupService lookup = file.getFileSystem().getUserPrincipalLookupService();
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (spec.owner().isPresent()) {
      view.setOwner(lookup.lookupPrincipalByName(spec.owner().get()));
    }
    if (spec.group().isPresent()) {
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(spec.group().get());
      view.setGroup(group);
    }
  }

  private static void fsyncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open a folder; the rename itself is still atomic.
    }
  }

  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
    for (int bit = 0; bit < order.length; bit++) {
      if ((mode & (1 << bit)) != 0) {
        perms.add(order[bit]);
      }
    }
    return perms;
  }
}
