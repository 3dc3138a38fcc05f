package io.certferry.core.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.ProviderContext;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.testing.EchoDispatcher;
import io.certferry.core.testing.EchoDispatcher.Mode;
import io.certferry.core.testing.FakeTime;
import io.certferry.core.testing.LogCapture;
import io.certferry.core.testing.SecretScan;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 11 item 2: the secret path of a Slack-style webhook URL, and SendGrid's API key, never come
 * back in a warning, whatever the server echoes.
 */
class NotifierSecretsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOOK_SECRET = "T0SLACKAA/B0SLACKBB/slackHookSecret9x8y7z6w5v";
  private static final String SENDGRID_KEY = "SG.sendgridKeyId0123.sendgridSecretPart-abcdefghij";

  private final MockWebServer server = new MockWebServer();
  private final EchoDispatcher echo = new EchoDispatcher(null);
  private final FakeTime time = FakeTime.create();

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(echo);
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void webhookAndSendGridWarningsHoldNoPartOfTheirSecrets(Mode mode) throws Exception {
    echo.mode(mode);
    ProviderContext context = ProviderContext.builder(ReferenceSecrets.withEnvironment(Map.of(
        "SLACK_WEBHOOK_URL", server.url("/services/" + HOOK_SECRET).toString(), "SENDGRID_API_KEY", SENDGRID_KEY)))
        .clock(time).sleeper(time).build();
    ObjectNode hook = JSON.createObjectNode().put("type", "webhook").put("url", "${env:SLACK_WEBHOOK_URL}");
    ObjectNode sendgrid = JSON.createObjectNode().put("type", "sendgrid").put("apiKey", "${env:SENDGRID_API_KEY}")
        .put("from", "certferry@example.org").put("to", "ops@example.org").put("baseUrl", server.url("/").toString());
    LifecycleEvent failed = new LifecycleEvent(LifecycleEvent.Type.DEPLOY_FAILED, Instant.parse("2026-01-01T00:00:00Z"),
        "social", Optional.of("do-lb"), "HTTP 500 from the load balancer", Map.of("attempt", "3"));

    String logs;
    try (LogCapture capture = LogCapture.start()) {
      Notifier webhook = (Notifier) new NotifierFactories.Webhook().create(hook, context);
      Notifier mail = (Notifier) new NotifierFactories.SendGrid().create(sendgrid, context);
      webhook.notify(failed);
      mail.notify(failed);
      logs = capture.text() + webhook + mail;
    }

    assertThat(echo.received()).extracting(r -> r.getUrl().encodedPath()).contains("/services/" + HOOK_SECRET)
        .contains("/v3/mail/send");
    if (mode != Mode.GARBAGE_200 && mode != Mode.JSON_200) {
      assertThat(logs).contains("webhook notification not delivered").contains("SendGrid notification not delivered");
    }
    SecretScan.assertNoPartOf(Map.of("webhook URL path", HOOK_SECRET, "SendGrid API key", SENDGRID_KEY),
        Map.of("logs", logs));
  }
}
