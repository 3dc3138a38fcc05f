package io.certferry.provider.nginx;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Names for temporary files next to the file they will replace; hidden, and recognisable as ours. */
final class TempNames {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TempNames() {}

  static String next(String fileName) {
    byte[] b = new byte[6];
    RANDOM.nextBytes(b);
    return "." + fileName + ".certferry-" + HexFormat.of().formatHex(b) + ".tmp";
  }
}
