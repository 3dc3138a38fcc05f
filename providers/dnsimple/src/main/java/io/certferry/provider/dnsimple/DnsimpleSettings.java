package io.certferry.provider.dnsimple;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Secrets;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The {@code dnsimple} config block, shared by the DNS provider and the purchased-certificate source:
 * {@code token} (a secret reference), {@code account}, {@code sandbox}, {@code baseUrl},
 * {@code confirmDistribution}. Values may be JSON strings too ({@code --set sandbox=true}).
 *
 * @param tokenReference e.g. {@code ${env:DNSIMPLE_TOKEN}}; the token itself is resolved at creation
 */
public record DnsimpleSettings(String tokenReference, OptionalLong account, String baseUrl,
                               boolean confirmDistribution) {
  public static final String PRODUCTION = "https://api.dnsimple.com/v2";
  public static final String SANDBOX = "https://api.sandbox.dnsimple.com/v2";
  private static final Set<String> KNOWN =
      Set.of("token", "account", "sandbox", "baseUrl", "confirmDistribution", "type", "id", "name");

  @Override
  public String toString() {
    return "DnsimpleSettings{token=" + tokenReference + ", account=" + account + ", baseUrl=" + baseUrl
        + ", confirmDistribution=" + confirmDistribution + "}";
  }

  /** One message per problem, each naming the setting and the fix; empty when the block is valid. */
  public static List<String> validate(JsonNode settings) {
    List<String> problems = new ArrayList<>();
    if (settings == null || !settings.isObject()) {
      problems.add("dnsimple: the settings must be a map with at least `token: ${env:DNSIMPLE_TOKEN}`");
      return problems;
    }
    settings.fieldNames().forEachRemaining(k -> {
      if (!KNOWN.contains(k)) {
        problems.add("dnsimple: unknown setting `" + k + "`; known settings are token, account, sandbox,"
            + " baseUrl, confirmDistribution");
      }
    });
    Secrets.referenceProblem("dnsimple", "token", text(settings, "token").orElse(null), "DNSIMPLE_TOKEN",
        "dnsimple.token").ifPresent(problems::add);
    text(settings, "account").ifPresent(a -> {
      if (!a.strip().matches("[0-9]{1,18}")) {
        problems.add("dnsimple: `account` must be the numeric DNSimple account id (e.g. 1010), not \"" + clip(a)
            + "\"");
      }
    });
    bool(settings, "sandbox", problems);
    bool(settings, "confirmDistribution", problems);
    Optional<String> baseUrl = text(settings, "baseUrl");
    baseUrl.ifPresent(u -> {
      if (!isHttpUrl(u)) {
        problems.add("dnsimple: `baseUrl` must be an http(s) URL such as " + PRODUCTION + ", not \"" + clip(u)
            + "\"");
      }
    });
    if (baseUrl.isPresent() && bool(settings, "sandbox", new ArrayList<>())) {
      problems.add("dnsimple: `sandbox: true` and `baseUrl` are both set; keep one of them");
    }
    return problems;
  }

  /**
   * Reads a valid block.
   *
   * @throws IllegalArgumentException with every problem {@link #validate} finds
   */
  public static DnsimpleSettings parse(JsonNode settings) {
    List<String> problems = validate(settings);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    OptionalLong account = text(settings, "account").map(a -> OptionalLong.of(Long.parseLong(a.strip())))
        .orElse(OptionalLong.empty());
    boolean sandbox = bool(settings, "sandbox", new ArrayList<>());
    String base = text(settings, "baseUrl").map(String::strip).orElse(sandbox ? SANDBOX : PRODUCTION);
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return new DnsimpleSettings(text(settings, "token").orElseThrow().strip(), account, base,
        bool(settings, "confirmDistribution", new ArrayList<>()));
  }

  private static Optional<String> text(JsonNode settings, String key) {
    JsonNode v = settings.get(key);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    return Optional.of(v.isValueNode() ? v.asText() : v.toString());
  }

  private static boolean bool(JsonNode settings, String key, List<String> problems) {
    JsonNode v = settings.get(key);
    if (v == null || v.isNull()) {
      return false;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    String s = v.asText().strip().toLowerCase(Locale.ROOT);
    if (s.equals("true") || s.equals("false")) {
      return s.equals("true");
    }
    problems.add("dnsimple: `" + key + "` must be true or false, not \"" + clip(v.asText()) + "\"");
    return false;
  }

  private static boolean isHttpUrl(String u) {
    try {
      URI uri = new URI(u.strip());
      return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static String clip(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }
}
