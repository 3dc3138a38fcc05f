package io.certferry.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asserts that no part of a secret appears in a text: not the secret, and no run of 8 or more of its
 * characters (a cut token), neither as is nor URL-encoded nor JSON-escaped. PEM armour
 * ({@code -----BEGIN ... -----}) is public and is not looked for, only what it wraps.
 */
public final class SecretScan {
  /** The shortest run of a secret's characters that counts as a leak. */
  public static final int PART = 8;

  private SecretScan() {}

  /**
   * @param texts where each text came from (e.g. "deployments.json") to the text
   * @param secrets a name for each secret (e.g. "DigitalOcean token") to its value
   */
  public static void assertNoPartOf(Map<String, String> secrets, Map<String, String> texts) {
    List<String> leaks = new ArrayList<>();
    secrets.forEach((name, secret) -> {
      Set<String> parts = parts(secret);
      texts.forEach((where, text) -> {
        if (text == null) {
          return;
        }
        for (String part : parts) {
          int at = text.indexOf(part);
          if (at >= 0) {
            String around = text.substring(Math.max(0, at - 40), Math.min(text.length(), at + part.length() + 40));
            leaks.add(where + " holds part of the " + name + " (\"" + part + "\") in: ..." + around + "...");
            break;
          }
        }
      });
    });
    assertThat(leaks).as("secrets that leaked").isEmpty();
  }

  /** Every {@value #PART}-character run of the secret and of its URL-encoded and JSON-escaped forms. */
  static Set<String> parts(String secret) {
    String core = secret.replaceAll("-----(BEGIN|END) [A-Z0-9 ]+-----", "").strip();
    Set<String> forms = new LinkedHashSet<>();
    forms.add(core);
    forms.add(URLEncoder.encode(core, StandardCharsets.UTF_8));
    forms.add(new String(JsonStringEncoder.getInstance().quoteAsString(core)));
    Set<String> parts = new LinkedHashSet<>();
    for (String f : forms) {
      if (f.length() < PART) {
        parts.add(f);
      }
      for (int i = 0; i + PART <= f.length(); i++) {
        parts.add(f.substring(i, i + PART));
      }
    }
    return parts;
  }
}
