package io.certferry.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DeployWindowTest {
  @Test
  void saturdayNightInTorontoIsLocalTimeAcrossDaylightSaving() {
    DeployWindow w = DeployWindow.parse("Sat 02:00-05:00 America/Toronto");
    // 2026-11-07 is a Saturday (EST, UTC-5 from 2026-11-01): 02:00 local is 07:00Z.
    assertThat(w.isOpen(Instant.parse("2026-11-07T07:30:00Z"))).isTrue();
    assertThat(w.isOpen(Instant.parse("2026-11-07T10:00:00Z"))).isFalse();
    assertThat(w.nextOpening(Instant.parse("2026-11-09T12:00:00Z"))).isEqualTo(Instant.parse("2026-11-14T07:00:00Z"));
    // In summer (EDT, UTC-4) the same local hours are an hour earlier in UTC.
    assertThat(w.nextOpening(Instant.parse("2026-07-01T00:00:00Z"))).isEqualTo(Instant.parse("2026-07-04T06:00:00Z"));
    assertThat(w.closes(Instant.parse("2026-11-07T07:30:00Z"))).isEqualTo(Instant.parse("2026-11-07T10:00:00Z"));
    assertThat(w.longestClosed()).isBetween(Duration.ofHours(164), Duration.ofHours(166));
  }

  @Test
  void aWindowPastMidnightAndWeekdayRanges() {
    DeployWindow w = DeployWindow.parse("Mon-Fri 22:00-06:00 UTC");
    assertThat(w.isOpen(Instant.parse("2026-12-01T23:00:00Z"))).isTrue(); // Tuesday night
    assertThat(w.isOpen(Instant.parse("2026-12-02T05:59:00Z"))).isTrue(); // Wednesday early, Tuesday's window
    assertThat(w.isOpen(Instant.parse("2026-12-02T06:00:00Z"))).isFalse();
    assertThat(w.isOpen(Instant.parse("2026-12-05T23:00:00Z"))).isFalse(); // Saturday
    assertThat(w.isOpen(Instant.parse("2026-12-05T03:00:00Z"))).isTrue(); // Friday's window into Saturday
    assertThat(DeployWindow.parse("daily 00:00-24:00 UTC").longestClosed()).isZero();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Sat 02:00-02:00 UTC|never opens",
      "Sat 02:00-05:00 Mars/Olympus|not a time zone",
      "Caturday 02:00-05:00 UTC|not a day",
      "Sat 25:00-26:00 UTC|not a time of day",
      "weekends|is not DAYS HH:MM-HH:MM ZONE"})
  void aWindowThatCannotBeIsRejectedWithTheForm(String text, String message) {
    assertThatThrownBy(() -> DeployWindow.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message).hasMessageContaining("'" + text + "'");
  }
}
