package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a {@code type:}-selected block (a target, a DNS provider, a notifier): the type must be
 * installed, the provider's own {@link ProviderFactory#validate} must pass (each of its messages
 * placed at the setting it names), and settings named like secrets must be references.
 */
final class ProviderBlocks {
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(token|secret|password|passphrase|apikey|api_key|hmackey|credential).*");

  private final ProviderRegistry types;
  private final Problems problems;
  private final Values values;

  ProviderBlocks(ProviderRegistry types, Problems problems, Values values) {
    this.types = types;
    this.problems = problems;
    this.values = values;
  }

  /** The installed types of {@code kind}, comma separated. */
  String installed(Class<?> kind) { return String.join(", ", types.types(kind)); }

  /**
   * Checks the block at {@code p}; returns it when its type is installed.
   *
   * @param what the kind for messages: "target", "DNS provider", "notifier"
   */
  Optional<AgentConfig.Block> check(String p, JsonNode n, Class<?> kind, String what) {
    if (n == null || !n.isObject()) {
      problems.error(p, "expected a mapping with type: and its settings");
      return Optional.empty();
    }
    Optional<String> type = values.text(p + "/type", n.get("type"));
    if (type.isEmpty()) {
      problems.error(p, "type is missing; choose one of: " + installed(kind));
      return Optional.empty();
    }
    Optional<ProviderFactory> f = types.factory(kind, type.get());
    if (f.isEmpty()) {
      problems.error(p + "/type", "no installed provider registers " + what + " type '" + type.get() + "'; installed: "
          + installed(kind));
      return Optional.empty();
    }
    List<String> said;
    try {
      said = f.get().validate(n);
    } catch (RuntimeException e) {
      said = List.of("the " + type.get() + " provider could not check these settings: " + e.getMessage());
    }
    for (String msg : said) {
      problems.errorAtKey(locate(p, n, msg), msg);
    }
    literalSecrets(p, n, said);
    return Optional.of(new AgentConfig.Block(type.get(), (ObjectNode) n));
  }

  /** The setting a provider's message is about, found by its name in the message; else the block. */
  private static String locate(String p, JsonNode n, String msg) {
    String best = p;
    int bestAt = Integer.MAX_VALUE;
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      Matcher m = Pattern.compile("(^|[^A-Za-z0-9])" + Pattern.quote(k) + "([^A-Za-z0-9]|$)").matcher(msg);
      if (m.find() && m.start() < bestAt && !k.equals("type") && !k.equals("id")) {
        bestAt = m.start();
        best = p + "/" + k;
      }
    }
    return best;
  }

  /** Settings named like secrets must be references; a provider that said so already is not repeated. */
  private void literalSecrets(String p, JsonNode n, List<String> alreadySaid) {
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (v.isObject()) {
        literalSecrets(p + "/" + k, v, alreadySaid);
      } else if (v.isTextual() && SECRET_KEY.matcher(k).matches() && !Secrets.isReference(v.asText().trim())
          && alreadySaid.stream().noneMatch(m -> m.contains(k))) {
        problems.error(p + "/" + k, "a secret must not be written in the config file; reference it: " + k
            + ": ${env:" + k.toUpperCase(Locale.ROOT) + "} or ${file:/etc/certferry/" + k + "}");
      }
    }
  }
}
