package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlertLevelTest {
  private static final Instant NOT_AFTER = Instant.parse("2027-06-30T12:00:00Z");

  @ParameterizedTest
  @CsvSource({
      "PT2000H, NONE", "PT721H, NONE", "PT720H, DAYS_30", "PT400H, DAYS_30", "PT336H, DAYS_14",
      "PT169H, DAYS_14", "PT168H, DAYS_7", "PT72H, DAYS_3", "PT25H, DAYS_3", "PT24H, DAYS_1",
      "PT1M, DAYS_1", "PT0S, EXPIRED", "-PT5H, EXPIRED"})
  void levelByTimeLeft(String left, AlertLevel expected) {
    MutableClock clock = new MutableClock(NOT_AFTER.minus(Duration.parse(left)));

    assertThat(AlertLevel.of(NOT_AFTER, clock)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"NONE, none", "DAYS_30, 30 days", "DAYS_1, 1 day", "EXPIRED, expired"})
  void labels(AlertLevel level, String label) {
    assertThat(level.label()).isEqualTo(label);
  }

  @ParameterizedTest
  @CsvSource({"DAYS_7, DAYS_14, true", "DAYS_14, DAYS_7, false", "EXPIRED, DAYS_1, true", "NONE, NONE, false"})
  void ordering(AlertLevel a, AlertLevel b, boolean worse) {
    assertThat(a.isWorseThan(b)).isEqualTo(worse);
  }
}
