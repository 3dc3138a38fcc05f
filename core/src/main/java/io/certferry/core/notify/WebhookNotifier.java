package io.certferry.core.notify;

import io.certferry.core.ProviderContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * POSTs each alert as JSON. The body's {@code text} field is what Slack, Mattermost and Discord
 * ({@code .../slack} webhook URL) incoming webhooks display; the other fields ({@code event},
 * {@code severity}, {@code certificate}, {@code target}, {@code at}, {@code details}) serve
 * machines. Retries on network errors, 429 and 5xx.
 *
 * @since 0.1
 */
public final class WebhookNotifier implements Notifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpUrl url;
  private final HttpDelivery delivery;

  WebhookNotifier(HttpUrl url, int attempts, Duration firstDelay, Duration timeout, ProviderContext context) {
    this.url = Objects.requireNonNull(url);
    this.delivery = new HttpDelivery(url, true, null, attempts, firstDelay, timeout, context, "webhook");
  }

  /**
   * A webhook to {@code url} (a secret: it usually carries the token; no part of it is ever logged)
   * with 3 attempts, on the context's clock, sleeper and HTTP client.
   *
   * @since 0.1
   */
  public static WebhookNotifier create(String url, ProviderContext context) {
    return new WebhookNotifier(parse(url), 3, Duration.ofSeconds(2), Duration.ofSeconds(10), context);
  }

  static HttpUrl parse(String url) {
    HttpUrl u = HttpUrl.parse(url);
    if (u == null) {
      // Never echo the value: it is a secret.
      throw new IllegalArgumentException("webhook url: the referenced value is not an http(s) URL");
    }
    return u;
  }

  @Override
  public void notify(LifecycleEvent e) {
    delivery.post("/", body(e));
  }

  static ObjectNode body(LifecycleEvent e) {
    ObjectNode n = JSON.createObjectNode();
    n.put("text", text(e));
    n.put("event", e.type().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    n.put("severity", e.type().severity().name().toLowerCase(Locale.ROOT));
    n.put("certificate", e.certificate());
    e.target().ifPresent(t -> n.put("target", t));
    n.put("at", e.at().toString());
    n.put("message", e.message());
    ObjectNode d = n.putObject("details");
    e.details().forEach(d::put);
    return n;
  }

  /** One line a human reads in a chat channel. */
  static String text(LifecycleEvent e) {
    String icon = switch (e.type().severity()) {
      case INFO -> e.type() == LifecycleEvent.Type.RECOVERED ? ":white_check_mark:" : ":information_source:";
      case WARNING -> ":warning:";
      case ERROR -> ":x:";
      case CRITICAL -> ":rotating_light:";
    };
    return icon + " certferry " + e.type().name().toLowerCase(Locale.ROOT).replace('_', '-') + ": " + e.message();
  }

  @Override
  public String toString() { return "WebhookNotifier{" + url.host() + "}"; }
}
