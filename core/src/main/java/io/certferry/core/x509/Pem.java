package io.certferry.core.x509;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Splits PEM text into its blocks, tolerating what real files hold: CRLF or LF, a byte order mark,
 * indentation, and any text between blocks (openssl's {@code subject=}/{@code issuer=} lines,
 * a CA's notes). Header lines inside a block ({@code Proc-Type: ...}) are skipped.
 */
final class Pem {
  private static final String BEGIN = "-----BEGIN ";
  private static final String END = "-----END ";

  private Pem() {}

  /** One {@code -----BEGIN X-----} ... {@code -----END X-----} block; {@code terminated} is false when the END line is missing. */
  record Block(String label, int line, String base64, boolean terminated, String text) {
    /** The decoded DER, empty when the base64 text is broken. */
    Optional<byte[]> der() {
      try {
        return Optional.of(Base64.getDecoder().decode(base64));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
  }

  /** True when the content has at least one PEM BEGIN line (binary content is read as Latin-1, so never fails). */
  static boolean hasBlocks(byte[] data) {
    return new String(data, StandardCharsets.ISO_8859_1).contains(BEGIN);
  }

  static List<Block> blocks(byte[] data) {
    String[] lines = new String(data, StandardCharsets.ISO_8859_1).split("\n", -1);
    List<Block> out = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith(BEGIN)) continue;
      String label = label(line, BEGIN);
      int start = i + 1;
      StringBuilder b64 = new StringBuilder();
      StringBuilder text = new StringBuilder(line).append('\n');
      boolean terminated = false;
      for (i = i + 1; i < lines.length; i++) {
        String body = lines[i].strip();
        text.append(body).append('\n');
        if (body.startsWith(END)) {
          terminated = true;
          break;
        }
        if (body.startsWith(BEGIN)) {
          i--; // a new block starts: this one was cut off
          break;
        }
        if (!body.contains(":")) b64.append(body);
      }
      out.add(new Block(label, start, b64.toString(), terminated, text.toString()));
    }
    return out;
  }

  private static String label(String line, String prefix) {
    String rest = line.substring(prefix.length());
    int dashes = rest.indexOf("-----");
    return (dashes < 0 ? rest : rest.substring(0, dashes)).strip();
  }

  /** PEM text of one block: 64-column base64, LF line ends. */
  static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return BEGIN + label + "-----\n" + body + "\n" + END + label + "-----\n";
  }
}
