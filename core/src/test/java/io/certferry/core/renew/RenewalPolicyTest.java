package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.certferry.core.Durations;

class RenewalPolicyTest {
  private static final Instant ISSUED = Instant.parse("2026-11-01T10:00:00Z");

  @Test
  void ninetyDayCertificateRenewsWithAThirdLeft() {
    RenewalPolicy.Rule rule = RenewalPolicy.defaults().ruleFor(ISSUED, ISSUED.plus(Duration.ofDays(90)));

    assertThat(rule.at()).isEqualTo(ISSUED.plus(Duration.ofDays(60)));
    assertThat(rule.source()).isEqualTo(RenewalSource.LIFETIME);
    assertThat(rule.reason()).isEqualTo("a third of the 90-day lifetime left on 2026-12-31");
  }

  /** Short lifetimes (Let's Encrypt shortlived 6 days; CA/B Forum 45 and 47 days) stay valid with margin. */
  @ParameterizedTest
  @CsvSource({"6, 3, 72", "45, 15, 360", "47, 15, 376"})
  void shortLifetimesKeepAMargin(int lifetimeDays, int minMarginDays, long expectedMarginHours) {
    Instant notAfter = ISSUED.plus(Duration.ofDays(lifetimeDays));

    RenewalPolicy.Rule rule = RenewalPolicy.defaults().ruleFor(ISSUED, notAfter);

    Duration margin = Duration.between(rule.at(), notAfter);
    assertThat(margin).isGreaterThanOrEqualTo(Duration.ofDays(minMarginDays));
    assertThat(margin.toHours()).isEqualTo(expectedMarginHours);
    assertThat(rule.at()).isAfter(ISSUED);
  }

  @Test
  void sixDayCertificateRenewsAtHalfLifeWithMinutePrecision() {
    RenewalPolicy.Rule rule = RenewalPolicy.defaults().ruleFor(ISSUED, ISSUED.plus(Duration.ofDays(6)));

    assertThat(rule.reason()).isEqualTo("half of the 6-day lifetime left at 2026-11-04T10:00Z");
  }

  @Test
  void renewBeforeWinsWhenShorterThanLifetime() {
    Instant notAfter = ISSUED.plus(Duration.ofDays(365));

    RenewalPolicy.Rule rule = RenewalPolicy.fromOptions(Map.of("renewBefore", "30d")).ruleFor(ISSUED, notAfter);

    assertThat(rule.at()).isEqualTo(notAfter.minus(Duration.ofDays(30)));
    assertThat(rule.source()).isEqualTo(RenewalSource.RENEW_BEFORE);
    assertThat(rule.reason()).isEqualTo("renewBefore 30d before expiry, on 2027-10-02");
  }

  @Test
  void renewBeforeLongerThanLifetimeFallsBackInsteadOfRenewingForEver() {
    Instant notAfter = ISSUED.plus(Duration.ofDays(6));

    RenewalPolicy.Rule rule = RenewalPolicy.renewBefore(Duration.ofDays(30)).ruleFor(ISSUED, notAfter);

    assertThat(rule.at()).isEqualTo(notAfter.minus(Duration.ofDays(3)));
    assertThat(rule.source()).isEqualTo(RenewalSource.LIFETIME);
    assertThat(rule.reason()).startsWith("renewBefore 30d is not shorter than the 6-day lifetime, so half");
  }

  @ParameterizedTest
  @CsvSource({"30d, PT720H", "36h, PT36H", "90m, PT1H30M", "P10D, PT240H", "pt12h, PT12H", "' 7d ', PT168H",
      "3600s, PT1H", "1h30m, PT1H30M", "2w, PT336H"})
  void readsRenewBeforeInEveryFormTheConfigAccepts(String text, String expected) {
    // check-config validates renewBefore with Durations: every form it accepts must work here too.
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
    assertThat(RenewalPolicy.fromOptions(Map.of("renewBefore", text)).renewBefore()).contains(Duration.parse(expected));
  }

  @ParameterizedTest
  @CsvSource({"thirty days", "0d", "-5d", "P0D", "30x"})
  void rejectsBadDurationsNamingTheOption(String text) {
    assertThatThrownBy(() -> RenewalPolicy.fromOptions(Map.of("renewBefore", text)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("renewBefore '" + text + "'")
        .hasMessageContaining("30d");
  }

  @Test
  void absentOptionMeansLifetimeRule() {
    assertThat(RenewalPolicy.fromOptions(Map.of()).renewBefore()).isEmpty();
  }
}
