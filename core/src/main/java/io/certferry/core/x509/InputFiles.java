package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** Reads the small files a user hands over (certificates, keys, PKCS#12, passwords), refusing what cannot be one. */
final class InputFiles {
  /** Certificates, keys and bundles are a few KiB; anything over this is the wrong file. */
  static final int MAX_BYTES = 1 << 20;

  private InputFiles() {}

  /**
   * The file's bytes, or a rejection naming the file when it is missing, a directory, unreadable,
   * empty or larger than {@link #MAX_BYTES}. The size is checked before reading, so a huge file is
   * refused at once.
   *
   * @param expected what the file should hold, for messages: "a certificate", "a private key"
   */
  static byte[] read(Path file, String expected) throws InputRejectedException {
    byte[] data = readAllowingEmpty(file, expected);
    if (data.length == 0) {
      throw new InputRejectedException(file + " is empty; it should hold " + expected + ", check the file was saved completely");
    }
    return data;
  }

  static byte[] readAllowingEmpty(Path file, String expected) throws InputRejectedException {
    if (Files.isDirectory(file)) {
      throw new InputRejectedException(file + " is a directory, not a file; give the path of the file holding " + expected);
    }
    try {
      long size = Files.size(file);
      if (size > MAX_BYTES) {
        throw tooLarge(file.toString(), size, expected);
      }
      try (InputStream in = Files.newInputStream(file)) {
        // Read at most one byte past the limit: size() can lie for pipes and /proc files.
        byte[] data = in.readNBytes(MAX_BYTES + 1);
        if (data.length > MAX_BYTES) {
          Arrays.fill(data, (byte) 0);
          throw tooLarge(file.toString(), data.length, expected);
        }
        return data;
      }
    } catch (NoSuchFileException e) {
      throw new InputRejectedException(file + " does not exist; check the path");
    } catch (AccessDeniedException e) {
      throw new InputRejectedException(file + " cannot be read (permission denied); make it readable for this user");
    } catch (IOException e) {
      throw new InputRejectedException(file + " cannot be read (" + e.getMessage() + "); check the path and permissions", e);
    }
  }

  static InputRejectedException tooLarge(String source, long size, String expected) {
    return new InputRejectedException(source + " is " + humanSize(size) + ", far too large for " + expected
        + " (at most 1 MiB); check that you gave the right file");
  }

  static String humanSize(long bytes) {
    if (bytes >= 1 << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    if (bytes >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", bytes / (double) (1 << 10));
    return bytes + " bytes";
  }

  /** The content without a leading UTF-8 byte order mark (Windows editors add one). */
  static byte[] stripBom(byte[] data) {
    if (data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf) {
      return Arrays.copyOfRange(data, 3, data.length);
    }
    return data;
  }
}
