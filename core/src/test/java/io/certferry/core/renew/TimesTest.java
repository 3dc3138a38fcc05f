package io.certferry.core.renew;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reasons' instants read the same as the patterns they stand for, written directly or not. */
class TimesTest {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  @Test
  void writesWhatThePatternsWrite() {
    Random random = new Random(20261201);
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("+12000-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 20_000; i++) {
      Instant t = Instant.ofEpochSecond(min + Math.floorMod(random.nextLong(), max - min + 1), random.nextInt(1_000_000_000));
      assertThat(Times.minute(t)).as("%s", t).isEqualTo(MINUTE.format(t));
      assertThat(Times.day(t)).as("%s", t).isEqualTo(DAY.format(t));
    }
    assertThat(Times.minute(Instant.parse("2026-12-02T10:11:59.999Z"))).isEqualTo("2026-12-02T10:11Z");
    assertThat(Times.day(Instant.parse("2026-12-31T23:59:59Z"))).isEqualTo("2026-12-31");
    assertThat(Times.minute(Instant.parse("0999-01-02T03:04:05Z"))).isEqualTo("0999-01-02T03:04Z");
  }
}
