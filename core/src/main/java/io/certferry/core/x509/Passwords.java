package io.certferry.core.x509;

import io.certferry.core.InputRejectedException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads a password the way openssl's {@code -passin file:} does: the first line of a file, or of
 * stdin when the path is {@code -}. Passwords never come from argv (other users see it in
 * {@code ps}). The returned array is the caller's to clear.
 *
 * @since 0.1
 */
public final class Passwords {
  private Passwords() {}

  /**
   * The first line of the file, or of stdin for {@code -}, without its line end; may be empty.
   *
   * @since 0.1
   */
  public static char[] read(Path fileOrDash) throws InputRejectedException {
    return read(fileOrDash, System.in);
  }

  /**
   * As {@link #read(Path)}, with stdin given (for tests and embedding).
   *
   * @since 0.1
   */
  public static char[] read(Path fileOrDash, InputStream stdin) throws InputRejectedException {
    byte[] data;
    String source;
    if (fileOrDash.toString().equals("-")) {
      source = "stdin";
      try {
        data = stdin.readNBytes(InputFiles.MAX_BYTES + 1);
      } catch (IOException e) {
        throw new InputRejectedException("the password could not be read from stdin (" + e.getMessage() + ")", e);
      }
      if (data.length > InputFiles.MAX_BYTES) {
        throw InputFiles.tooLarge(source, data.length, "a password");
      }
    } else {
      source = fileOrDash.toString();
      data = InputFiles.readAllowingEmpty(fileOrDash, "a password");
    }
    try {
      return firstLine(source, InputFiles.stripBom(data));
    } finally {
      Arrays.fill(data, (byte) 0);
    }
  }

  private static char[] firstLine(String source, byte[] data) throws InputRejectedException {
    int end = 0;
    while (end < data.length && data[end] != '\n') end++;
    if (end > 0 && data[end - 1] == '\r') end--;
    CharBuffer chars = null;
    try {
      chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, 0, end));
      return Arrays.copyOf(chars.array(), chars.limit());
    } catch (CharacterCodingException e) {
      throw new InputRejectedException(source + ": the password is not UTF-8 text; save the password file as UTF-8");
    } finally {
      if (chars != null) Arrays.fill(chars.array(), '\0');
    }
  }
}
