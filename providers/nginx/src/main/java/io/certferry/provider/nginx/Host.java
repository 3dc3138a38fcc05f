package io.certferry.provider.nginx;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * The machine an nginx frontend runs on, seen through the few operations a deploy needs: read a file,
 * replace a file atomically, delete one, run a command. {@link LocalHost} works on this machine,
 * {@link SshHost} on another one over SSH and SFTP.
 */
public interface Host extends AutoCloseable {
  /** Where this host is, for messages: {@code local} or {@code root@web1.example.org:22}. */
  String describe();

  /** The file's bytes, or empty when it does not exist. */
  Optional<byte[]> read(String path) throws IOException;

  /** The file's size in bytes, or empty when it does not exist. */
  Optional<Long> size(String path) throws IOException;

  /** Up to {@code max} bytes of the file from {@code offset}; empty array when there is nothing there. */
  byte[] readFrom(String path, long offset, int max) throws IOException;

  /**
   * Replaces {@code path} with {@code data}: a temporary file in the same folder is written with the
   * spec's mode (before any byte goes in), fsynced, given its owner and group, then renamed over the
   * target. Readers see the old file or the new one, never a part.
   */
  void writeAtomically(String path, byte[] data, FileSpec spec) throws IOException;

  /** Deletes the file if it exists. */
  void delete(String path) throws IOException;

  /**
   * Runs a shell command line and waits for it.
   *
   * @throws IOException when it cannot be started or does not finish within the timeout (it is then killed)
   */
  CommandResult run(String command, Duration timeout) throws IOException;

  @Override
  void close();
}
