package io.certferry.core.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;

/**
 * The one redactor of the HTTP layer: scrubs the secrets a request marked (the token, a secret base
 * URL's path, a query value, a header, a body field) out of any text before it is cut, logged, thrown
 * or stored.
 *
 * <p>A secret is scrubbed in every form a server may echo it in: as sent, URL-encoded (as OkHttp
 * encodes a query value or path segment, and as {@code application/x-www-form-urlencoded} does) and
 * JSON-escaped (with and without {@code \/}). Not only whole: every run of 8 or more characters of any
 * of these forms is scrubbed too, so a token cut in two by a proxy or a length limit leaves nothing
 * behind. PEM armour is public and is not matched, only what it wraps. Independently of what was
 * marked, {@link #scrub} removes every PEM private-key block (to its END line, or to the end of the text
 * when the block was cut).
 *
 * <p>Secrets shorter than {@value #MIN_SECRET} characters are not scrubbed (they would mangle ordinary
 * words and are not secrets worth the name); those shorter than {@value #MIN_PART} only whole.
 */
final class Redactor {
  static final String MARK = "[redacted]";
  static final int MIN_SECRET = 6;
  /** The shortest run of a secret's characters that is scrubbed on its own (a cut token). */
  static final int MIN_PART = 8;
  private static final String SEP = "(?:[ +]|%20)";
  private static final Pattern PRIVATE_KEY_BLOCK = Pattern.compile(
      "-----BEGIN" + SEP + "(?:[A-Z0-9]+" + SEP + ")*PRIVATE" + SEP + "KEY-----"
          + ".*?(?:-----END" + SEP + "(?:[A-Z0-9]+" + SEP + ")*PRIVATE" + SEP + "KEY-----|\\z)", Pattern.DOTALL);
  private static final Pattern ARMOUR = Pattern.compile("-----(?:BEGIN|END) [A-Z0-9 ]+-----");

  /** Every {@value #MIN_PART}-character run of every form of every secret. */
  private final Set<String> parts;
  /** Whole forms of secrets too short to have parts. */
  private final Set<String> shortSecrets;

  private Redactor(Set<String> parts, Set<String> shortSecrets) {
    this.parts = parts;
    this.shortSecrets = shortSecrets;
  }

  /** A redactor that knows no secret yet (it still scrubs private-key blocks). */
  static Redactor none() { return new Redactor(Set.of(), Set.of()); }

  /** This redactor and {@code secrets}; nulls and values shorter than {@value #MIN_SECRET} are ignored. */
  Redactor with(Iterable<String> secrets) {
    Set<String> p = new HashSet<>(parts);
    Set<String> s = new LinkedHashSet<>(shortSecrets);
    for (String secret : secrets) {
      if (secret == null) {
        continue;
      }
      String core = ARMOUR.matcher(secret).replaceAll("").strip();
      if (core.length() < MIN_SECRET) {
        continue;
      }
      for (String form : forms(core)) {
        if (form.length() < MIN_PART) {
          s.add(form);
        }
        for (int i = 0; i + MIN_PART <= form.length(); i++) {
          p.add(form.substring(i, i + MIN_PART));
        }
      }
    }
    return new Redactor(Set.copyOf(p), Set.copyOf(s));
  }

  Redactor with(String... secrets) { return with(Arrays.asList(secrets)); }

  /** Scrubs every marked secret and every PEM private-key block. */
  String scrub(String text) { return scrub(text, true); }

  /**
   * Scrubs every marked secret, and PEM private-key blocks only when {@code privateKeys}: a 2xx answer
   * the caller asked for a key with keeps its key.
   */
  String scrub(String text, boolean privateKeys) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    boolean[] secret = new boolean[text.length()];
    boolean any = false;
    if (!parts.isEmpty()) {
      for (int i = 0; i + MIN_PART <= text.length(); i++) {
        if (parts.contains(text.substring(i, i + MIN_PART))) {
          Arrays.fill(secret, i, i + MIN_PART, true);
          any = true;
        }
      }
    }
    for (String s : shortSecrets) {
      for (int at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
        Arrays.fill(secret, at, at + s.length(), true);
        any = true;
      }
    }
    if (privateKeys && text.contains("PRIVATE")) {
      Matcher m = PRIVATE_KEY_BLOCK.matcher(text);
      while (m.find()) {
        Arrays.fill(secret, m.start(), m.end(), true);
        any = true;
      }
    }
    return any ? replaceRuns(text, secret) : text;
  }

  private static String replaceRuns(String text, boolean[] secret) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!secret[i]) {
        out.append(text.charAt(i));
      } else if (i == 0 || !secret[i - 1]) {
        out.append(MARK);
      }
    }
    return out.toString();
  }

  /** The forms a server may echo a value in. */
  private static List<String> forms(String secret) {
    Set<String> forms = new LinkedHashSet<>();
    forms.add(secret);
    String form = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    forms.add(form);
    forms.add(form.replace("+", "%20"));
    HttpUrl sent = new HttpUrl.Builder().scheme("http").host("x").addPathSegment(secret)
        .addQueryParameter("q", secret).build();
    forms.add(sent.encodedPath().substring(1));
    forms.add(sent.encodedQuery().substring(2));
    String json = new String(JsonStringEncoder.getInstance().quoteAsString(secret));
    forms.add(json);
    forms.add(json.replace("/", "\\/"));
    return new ArrayList<>(forms);
  }
}
