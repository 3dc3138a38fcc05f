package io.certferry.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.certferry.core.testing.FakeTime;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request budget of a token (issue 15): the provider's published limits as client-side windows and the
 * quota its headers report, so that no amount of work makes the API answer 429; work past the budget is not
 * sent and says when it may be.
 */
class HttpApiBudgetTest {
  private final MockWebServer server = new MockWebServer();
  private final FakeTime time = new FakeTime(Instant.parse("2026-01-01T12:00:00Z"));
  private final List<Instant> arrivals = new CopyOnWriteArrayList<>();
  private volatile long remaining = Long.MAX_VALUE;

  @BeforeEach
  void start() throws Exception {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        arrivals.add(time.instant());
        MockResponse.Builder b = new MockResponse.Builder().setHeader("Content-Type", "application/json");
        if (remaining != Long.MAX_VALUE) {
          if (remaining == 0) {
            return b.code(429).body("{\"id\":\"too_many_requests\",\"message\":\"API Rate limit exceeded.\"}").build();
          }
          remaining--;
          b.setHeader("ratelimit-limit", "5000").setHeader("ratelimit-remaining", Long.toString(remaining))
              .setHeader("ratelimit-reset", Long.toString(Instant.parse("2026-01-01T13:00:00Z").getEpochSecond()));
        }
        return b.code(200).body("{}").build();
      }
    });
    server.start(InetAddress.getByName("127.0.0.1"), 0);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpApiBuilder api() {
    return HttpApi.builder().baseUrl(server.url("/").toString()).bearerToken("dop_v1_budget0123456789")
        .clock(time).sleeper(time).maxWait(Duration.ofMinutes(2));
  }

  @Test
  void aMinuteAndAnHourLimitHoldTogetherAndWorkPastTheHourIsNotSentSayingWhen() throws Exception {
    HttpApi api = api().limiter(new SlidingWindowLimiter(2, Duration.ofMinutes(1)))
        .limiter(new SlidingWindowLimiter(3, Duration.ofHours(1))).build();

    for (int i = 0; i < 3; i++) {
      api.get("/v2/load_balancers");
    }
    HttpApiException held = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/load_balancers"));

    // two at once, the third when the minute has passed; the fourth would pass the hour
    assertThat(arrivals).containsExactly(Instant.parse("2026-01-01T12:00:00Z"), Instant.parse("2026-01-01T12:00:00Z"),
        Instant.parse("2026-01-01T12:01:00Z"));
    assertThat(held.resumeAt()).contains(Instant.parse("2026-01-01T13:00:00Z"));
    assertThat(held.getMessage()).isEqualTo("GET /v2/load_balancers not sent: the client-side limit of 3 requests per "
        + "3600 s is used up, quota back at 13:00:00Z");
  }

  @Test
  void aRequestNotSentTakesNoSlotFromTheWorkAfterIt() throws Exception {
    SlidingWindowLimiter hour = new SlidingWindowLimiter(1, Duration.ofHours(1));
    HttpApi api = api().limiter(hour).build();
    api.get("/a");
    for (int i = 0; i < 5; i++) {
      catchThrowableOfType(HttpApiException.class, () -> api.get("/refused"));
    }
    time.advance(Duration.ofHours(1));
    api.get("/b"); // at once: the five refused requests reserved nothing
    assertThat(arrivals).containsExactly(Instant.parse("2026-01-01T12:00:00Z"), Instant.parse("2026-01-01T13:00:00Z"));
  }

  @Test
  void theQuotaTheHeadersReportIsCountedDownSoTheServerNeverAnswers429() throws Exception {
    remaining = 3; // what is left of the token's hour: other clients used the rest
    HttpApi api = api().build();
    for (int i = 0; i < 3; i++) {
      api.get("/v2/account");
    }
    HttpApiException held = catchThrowableOfType(HttpApiException.class, () -> api.get("/v2/account"));

    assertThat(server.getRequestCount()).as("no request beyond the quota was sent").isEqualTo(3);
    assertThat(held.resumeAt()).contains(Instant.parse("2026-01-01T13:00:00Z"));
  }

  @Test
  void anAccountsLimiterKeepsAMarginForRequestsThatArriveAfterTheirSlot() {
    SlidingWindowLimiter minute = SlidingWindowLimiter.perAccount("https://api.example#margin", 2, Duration.ofMinutes(1));
    Instant t = Instant.parse("2026-01-01T12:00:00Z");
    minute.reserve(t);
    minute.reserve(t);
    // The server counts the first two when they arrive, a little after t: the third goes 2 s after the minute.
    assertThat(minute.nextFree(t)).isEqualTo(t.plusSeconds(62));
    SlidingWindowLimiter cdn = SlidingWindowLimiter.perAccount("https://api.example#margin", 1, Duration.ofSeconds(10));
    cdn.reserve(t);
    assertThat(cdn.nextFree(t)).as("a twentieth of a short period").isEqualTo(t.plusMillis(10_500));
  }

  @Test
  void anAccountsLimiterKeepsAFewOfALargeLimitsPermitsBack() {
    SlidingWindowLimiter minute = SlidingWindowLimiter.perAccount("https://api.example#headroom", 250,
        Duration.ofMinutes(1));
    Instant t = Instant.parse("2026-01-01T12:00:00Z");
    for (int i = 0; i < 240; i++) {
      assertThat(minute.reserve(t)).as("request " + (i + 1)).isZero();
    }
    assertThat(minute.reserve(t)).as("the 241st of DigitalOcean's 250 a minute").isEqualTo(Duration.ofSeconds(62));
  }

  @Test
  void everyClientOfAnAccountSharesItsLimiter() {
    SlidingWindowLimiter a = SlidingWindowLimiter.perAccount("https://api.example#abc", 250, Duration.ofMinutes(1));
    assertThat(SlidingWindowLimiter.perAccount("https://api.example#abc", 250, Duration.ofMinutes(1))).isSameAs(a);
    assertThat(SlidingWindowLimiter.perAccount("https://api.example#abc", 5000, Duration.ofHours(1))).isNotSameAs(a);
    assertThat(SlidingWindowLimiter.perAccount("https://api.example#def", 250, Duration.ofMinutes(1))).isNotSameAs(a);
  }
}
