package io.certferry.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The settings of a {@code digitalocean-tag} host inventory: the droplets carrying a tag, each reached at its
 * private (VPC) or public IPv4 address. An nginx target takes them from its {@code frontends:} block:
 *
 * <pre>
 * frontends: {digitaloceanTag: web, token: ${env:DIGITALOCEAN_TOKEN}, addressFrom: private}
 * </pre>
 */
record DigitalOceanTagSettings(String tag, String tokenReference, String apiUrl, boolean privateAddress) {
  static final Set<String> KEYS = Set.of("type", "tag", "token", "addressFrom", "apiUrl");
  /** DigitalOcean's tag names: letters, digits, colons, dashes and underscores, at most 255. */
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9:_-]{1,255}");

  static List<String> problems(JsonNode s) {
    List<String> out = new ArrayList<>();
    String where = "DigitalOcean tag " + DigitalOceanSettings.text(s, "tag").orElse("(no tag)");
    s.fieldNames().forEachRemaining(k -> {
      if (!KEYS.contains(k)) {
        out.add(where + ": unknown setting '" + k + "'; known: " + new TreeSet<>(KEYS));
      }
    });
    Optional<String> tag = DigitalOceanSettings.text(s, "tag");
    if (tag.isEmpty()) {
      out.add("DigitalOcean tag: setting 'tag' is missing; the tag your droplets carry, e.g. web");
    } else if (!TAG.matcher(tag.get()).matches()) {
      out.add(where + ": setting 'tag' is not a DigitalOcean tag name (letters, digits, ':', '-', '_'), got '"
          + tag.get() + "'");
    }
    Secrets.referenceProblem(where, "token", DigitalOceanSettings.text(s, "token").orElse(null), "DIGITALOCEAN_TOKEN",
        "do.token").ifPresent(out::add);
    DigitalOceanSettings.text(s, "addressFrom").filter(a -> !a.equals("private") && !a.equals("public"))
        .ifPresent(a -> out.add(where + ": setting 'addressFrom' must be private (the VPC address) or public, got '" + a + "'"));
    DigitalOceanSettings.text(s, "apiUrl").filter(u -> !u.startsWith("https://") && !u.startsWith("http://"))
        .ifPresent(u -> out.add(where + ": setting 'apiUrl' must be an http(s) URL, got '" + u + "'"));
    return out;
  }

  static DigitalOceanTagSettings parse(JsonNode s) {
    List<String> problems = problems(s);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new DigitalOceanTagSettings(DigitalOceanSettings.text(s, "tag").orElseThrow(),
        DigitalOceanSettings.text(s, "token").orElseThrow(),
        DigitalOceanSettings.text(s, "apiUrl").orElse(DigitalOceanSettings.DEFAULT_API),
        !DigitalOceanSettings.text(s, "addressFrom").orElse("private").equals("public"));
  }
}
