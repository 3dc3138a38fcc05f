package io.certferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @ParameterizedTest
  @CsvSource({"500ms, PT0.5S", "45s, PT45S", "3600s, PT1H", "90m, PT1H30M", "12h, PT12H", "30d, PT720H", "2w, PT336H",
      "1h30m, PT1H30M", "2d12h, PT60H", "'1h 30m', PT1H30M", "P30D, PT720H", "pt12h, PT12H", "' 7D ', PT168H"})
  void readsEveryForm(String text, String expected) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"thirty days", "30x", "", "30", "m30", "30m1h", "1h1h"})
  void rejectsWithTheAcceptedForms(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'").hasMessageContaining("30d");
  }

  /** A number past what a Duration holds is a rejection like any other, not an ArithmeticException. */
  @ParameterizedTest
  @ValueSource(strings = {"99999999999999999d", "9999999999999999999999s", "1000000000000000000w", "P9999999999999999999D"})
  void rejectsWhatNoDurationHolds(String text) {
    assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'").hasMessageContaining("30d");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0s", "P0D", "-PT5M"})
  void positiveRejectsZeroAndNegative(String text) {
    assertThatThrownBy(() -> Durations.parsePositive(text)).hasMessageContaining("longer than zero");
  }

  @ParameterizedTest
  @CsvSource({"PT0S, 0s", "PT720H, 30d", "PT1H30M, 1h30m", "PT0.25S, 250ms", "PT49H1S, 2d1h1s"})
  void formatsCompactlyAndReadsBack(String iso, String text) {
    Duration d = Duration.parse(iso);
    assertThat(Durations.format(d)).isEqualTo(text);
    assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
  }
}
