package io.certferry.core.notify;

import io.certferry.core.ProviderContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import okhttp3.HttpUrl;

/**
 * Sends each alert as a plain-text e-mail through SendGrid's v3 Mail Send API
 * ({@code POST /v3/mail/send}, bearer API key). The base URL is configurable for tests and
 * SendGrid's EU region ({@code https://api.eu.sendgrid.com}).
 *
 * @since 0.1
 */
public final class SendGridNotifier implements Notifier {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpUrl base;
  private final String from;
  private final List<String> to;
  private final HttpDelivery delivery;

  SendGridNotifier(HttpUrl baseUrl, String apiKey, String from, List<String> to, int attempts, Duration firstDelay,
                   Duration timeout, ProviderContext context) {
    this.base = baseUrl;
    this.from = from;
    this.to = List.copyOf(to);
    this.delivery = new HttpDelivery(baseUrl, false, apiKey, attempts, firstDelay, timeout, context, "SendGrid");
  }

  @Override
  public void notify(LifecycleEvent e) {
    delivery.post("/v3/mail/send", body(e));
  }

  ObjectNode body(LifecycleEvent e) {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode recipients = n.putArray("personalizations").addObject().putArray("to");
    to.forEach(addr -> recipients.addObject().put("email", addr));
    n.putObject("from").put("email", from).put("name", "Certferry");
    n.put("subject", subject(e));
    n.putArray("content").addObject().put("type", "text/plain").put("value", text(e));
    return n;
  }

  static String subject(LifecycleEvent e) {
    return "[certferry] " + e.type().severity().name().toLowerCase(Locale.ROOT) + ": " + e.certificate()
        + e.target().map(t -> " -> " + t).orElse("") + " " + e.type().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static String text(LifecycleEvent e) {
    StringBuilder sb = new StringBuilder();
    sb.append(e.message()).append("\n\n");
    sb.append("certificate: ").append(e.certificate()).append('\n');
    e.target().ifPresent(t -> sb.append("target: ").append(t).append('\n'));
    sb.append("event: ").append(e.type()).append('\n');
    sb.append("at: ").append(e.at()).append('\n');
    e.details().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  @Override
  public String toString() { return "SendGridNotifier{" + base.host() + ", to=" + to + "}"; }
}
