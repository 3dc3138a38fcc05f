package io.certferry.core.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Scrubs known secret values (a token, a sensitive request's query values) out of text before it is logged or thrown. */
final class Redactor {
  static final String MARK = "[redacted]";
  /** Shorter values are not scrubbed: they would mangle ordinary words and are not secrets worth the name. */
  private static final int MIN_SECRET = 6;
  private final List<String> secrets = new ArrayList<>();

  Redactor add(String secret) {
    if (secret != null && secret.length() >= MIN_SECRET) {
      secrets.add(secret);
      String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
      if (!encoded.equals(secret)) {
        secrets.add(encoded);
        secrets.add(encoded.replace("+", "%20"));
      }
      // A PEM echoed back may be cut at a line; scrub each long line on its own too.
      for (String line : secret.split("\\R")) {
        if (line.length() >= 16 && !line.startsWith("-----")) {
          secrets.add(line);
        }
      }
    }
    return this;
  }

  String scrub(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String s : secrets) {
      out = out.replace(s, MARK);
    }
    return out;
  }
}
