package io.certferry.core.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.Durations;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import okhttp3.HttpUrl;

/**
 * The built-in notifier types, registered through {@code META-INF/services}: {@code log}, {@code webhook}, {@code sendgrid}.
 *
 * @since 0.1
 */
public final class NotifierFactories {
  private NotifierFactories() {}

  private static void unknownKeys(JsonNode s, Set<String> known, String type, List<String> errors) {
    s.fieldNames().forEachRemaining(k -> {
      if (!known.contains(k)) {
        errors.add("unknown setting '" + k + "' for a " + type + " notifier; known: " + String.join(", ", new TreeSet<>(known)));
      }
    });
  }

  private static int attempts(JsonNode s, List<String> errors) {
    int a = s.path("attempts").asInt(3);
    if (s.has("attempts") && (!s.get("attempts").canConvertToInt() || a < 1 || a > 10)) {
      errors.add("attempts: give a whole number from 1 to 10");
    }
    return a;
  }

  /**
   * {@code type: log}: every alert through SLF4J.
   *
   * @since 0.1
   */
  public static final class Log implements ProviderFactory {
    @Override public String type() { return "log"; }

    @Override public Class<?> kind() { return Notifier.class; }

    @Override
    public List<String> validate(JsonNode s) {
      List<String> errors = new ArrayList<>();
      unknownKeys(s, Set.of("type", "id"), "log", errors);
      return errors;
    }

    @Override public Object create(JsonNode settings, ProviderContext context) { return Notifier.LOG; }
  }

  /**
   * {@code type: webhook}: settings {@code url} (a secret reference), {@code attempts} (3), {@code timeout} (10s).
   *
   * @since 0.1
   */
  public static final class Webhook implements ProviderFactory {
    @Override public String type() { return "webhook"; }

    @Override public Class<?> kind() { return Notifier.class; }

    @Override
    public List<String> validate(JsonNode s) {
      List<String> errors = new ArrayList<>();
      unknownKeys(s, Set.of("type", "id", "url", "attempts", "timeout"), "webhook", errors);
      if (!s.hasNonNull("url")) {
        errors.add("url: a webhook notifier needs the incoming-webhook URL, by reference: url: ${env:SLACK_WEBHOOK_URL}");
      } else if (!Secrets.isReference(s.get("url").asText())) {
        errors.add("url: a webhook URL carries its token; do not write it in the file, reference it: url: ${env:SLACK_WEBHOOK_URL} or ${file:/etc/certferry/webhook.url}");
      }
      attempts(s, errors);
      duration(s, "timeout", errors);
      return errors;
    }

    @Override
    public Object create(JsonNode s, ProviderContext context) {
      Duration timeout = s.hasNonNull("timeout") ? Durations.parse(s.get("timeout").asText()) : Duration.ofSeconds(10);
      return new WebhookNotifier(WebhookNotifier.parse(context.secrets().resolve(s.path("url").asText())),
          s.path("attempts").asInt(3), Duration.ofSeconds(2), timeout, context);
    }
  }

  /**
   * {@code type: sendgrid}: settings {@code apiKey} (a secret reference), {@code from}, {@code to}
   * (an address or a list), {@code baseUrl} (default {@code https://api.sendgrid.com}), {@code attempts}.
   *
   * @since 0.1
   */
  public static final class SendGrid implements ProviderFactory {
    @Override public String type() { return "sendgrid"; }

    @Override public Class<?> kind() { return Notifier.class; }

    @Override
    public List<String> validate(JsonNode s) {
      List<String> errors = new ArrayList<>();
      unknownKeys(s, Set.of("type", "id", "apiKey", "from", "to", "baseUrl", "attempts", "timeout"), "sendgrid", errors);
      if (!s.hasNonNull("apiKey")) {
        errors.add("apiKey: a sendgrid notifier needs an API key, by reference: apiKey: ${env:SENDGRID_API_KEY}");
      } else if (!Secrets.isReference(s.get("apiKey").asText())) {
        errors.add("apiKey: do not write the API key in the file; reference it: apiKey: ${env:SENDGRID_API_KEY} or ${file:/etc/certferry/sendgrid.key}");
      }
      if (!s.hasNonNull("from") || !s.get("from").asText().contains("@")) {
        errors.add("from: give the sender address verified in SendGrid, e.g. from: certferry@example.org");
      }
      if (recipients(s).isEmpty() || recipients(s).stream().anyMatch(a -> !a.contains("@"))) {
        errors.add("to: give one address or a list of addresses, e.g. to: [ops@example.org]");
      }
      if (s.hasNonNull("baseUrl") && HttpUrl.parse(s.get("baseUrl").asText()) == null) {
        errors.add("baseUrl: '" + s.get("baseUrl").asText() + "' is not an http(s) URL");
      }
      attempts(s, errors);
      duration(s, "timeout", errors);
      return errors;
    }

    static List<String> recipients(JsonNode s) {
      List<String> to = new ArrayList<>();
      JsonNode n = s.get("to");
      if (n != null && n.isTextual()) {
        to.add(n.asText());
      } else if (n != null && n.isArray()) {
        n.forEach(x -> to.add(x.asText()));
      }
      return to;
    }

    @Override
    public Object create(JsonNode s, ProviderContext context) {
      Duration timeout = s.hasNonNull("timeout") ? Durations.parse(s.get("timeout").asText()) : Duration.ofSeconds(20);
      return new SendGridNotifier(HttpUrl.get(s.path("baseUrl").asText("https://api.sendgrid.com")),
          context.secrets().resolve(s.path("apiKey").asText()), s.path("from").asText(), recipients(s),
          s.path("attempts").asInt(3), Duration.ofSeconds(2), timeout, context);
    }
  }

  private static void duration(JsonNode s, String field, List<String> errors) {
    if (s.hasNonNull(field)) {
      try {
        Durations.parse(s.get(field).asText());
      } catch (IllegalArgumentException e) {
        errors.add(field + ": " + e.getMessage());
      }
    }
  }
}
