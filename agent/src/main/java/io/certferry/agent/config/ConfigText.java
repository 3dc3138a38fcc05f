package io.certferry.agent.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a config file as UTF-8, strictly: a byte that is not UTF-8 is a problem at its line and
 * column (never silently replaced, which would turn a Latin-1 {@code é} in a path into {@code �}),
 * and a file that cannot be read says whether it is missing, a directory or closed to this user.
 */
final class ConfigText {
  private ConfigText() {}

  /**
   * The file's text.
   *
   * @throws ConfigException with one problem: the file cannot be read, or a byte is not UTF-8
   */
  static String read(Path file) throws ConfigException {
    return decode(bytes(file), file.getFileName() == null ? "agent.yaml" : file.getFileName().toString());
  }

  private static byte[] bytes(Path file) throws ConfigException {
    if (Files.isDirectory(file)) {
      throw problem(1, 1, file + " is a directory, not a file; give the config file, e.g. --config "
          + file.resolve("agent.yaml"));
    }
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw problem(1, 1, file + " does not exist; check the path given to --config");
    } catch (AccessDeniedException e) {
      throw problem(1, 1, file + " cannot be read (permission denied); make it readable for the user the agent runs as "
          + "(e.g. chmod 0640 and group certferry)");
    } catch (IOException e) {
      String why = e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : e.getClass().getSimpleName();
      throw problem(1, 1, file + " cannot be read (" + why + "); check the path given to --config and its permissions");
    }
  }

  /**
   * Decodes UTF-8, reporting the first byte that is not (line and column counted in characters, 1-based).
   *
   * @param name the file's name, for the command that converts it
   */
  static String decode(byte[] data, String name) throws ConfigException {
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(data);
    CharBuffer out = CharBuffer.allocate(data.length);
    CoderResult r = utf8.decode(in, out, true);
    if (!r.isError()) {
      r = utf8.flush(out);
    }
    if (r.isError()) {
      throw notUtf8(data, in.position(), out.flip().toString(), name);
    }
    return out.flip().toString();
  }

  private static ConfigException notUtf8(byte[] data, int at, String before, String name) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < before.length(); i++) {
      if (before.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    int column = before.codePointCount(lineStart, before.length()) + 1;
    int b = data[at] & 0xff;
    String bad = String.format(Locale.ROOT, "byte 0x%02X is not UTF-8", b);
    if (isLead(b) && at + 1 + continuationsAfter(data, at) >= data.length) {
      return problem(line, column, bad + ": the file ends inside a character (was it cut short?); the config must be UTF-8");
    }
    return problem(line, column, bad + "; the config must be UTF-8. " + guess(data, b, name));
  }

  /** What the file probably is, from cheap signs: a UTF-16 byte order mark or NUL bytes, else a single-byte code page. */
  private static String guess(byte[] data, int bad, String name) {
    boolean bom16 = data.length >= 2 && ((data[0] & 0xff) == 0xfe && (data[1] & 0xff) == 0xff
        || (data[0] & 0xff) == 0xff && (data[1] & 0xff) == 0xfe);
    if (bom16 || countNul(data) > data.length / 4) {
      return "It looks like UTF-16; save it as UTF-8 (e.g. " + iconv("utf-16", name) + ").";
    }
    String as = bad >= 0xa0 ? " (0x" + String.format(Locale.ROOT, "%02X", bad) + " is '" + (char) bad + "' there)" : "";
    return "It is probably Latin-1 (ISO-8859-1) or Windows-1252" + as
        + "; save it as UTF-8 (e.g. " + iconv("latin1", name) + ").";
  }

  private static String iconv(String from, String name) {
    return "iconv -f " + from + " -t utf-8 " + name + " > " + name + ".utf8 && mv " + name + ".utf8 " + name;
  }

  private static boolean isLead(int b) { return b >= 0xc2 && b <= 0xf4; }

  /** How many continuation bytes (10xxxxxx) follow {@code at}. */
  private static int continuationsAfter(byte[] data, int at) {
    int n = 0;
    while (at + 1 + n < data.length && (data[at + 1 + n] & 0xc0) == 0x80) {
      n++;
    }
    return n;
  }

  private static int countNul(byte[] data) {
    int n = 0;
    for (byte b : data) {
      if (b == 0) {
        n++;
      }
    }
    return n;
  }

  private static ConfigException problem(int line, int column, String message) {
    return new ConfigException(List.of(new ConfigProblem(line, column, "", message)));
  }
}
