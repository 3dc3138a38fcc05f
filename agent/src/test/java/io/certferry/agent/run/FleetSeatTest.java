package io.certferry.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.certferry.core.store.Leadership;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetSeatTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration PERIOD = Duration.ofSeconds(10);

  private static FleetSeat.View seen(String leader, Duration lapsesIn, boolean mine) {
    return new FleetSeat.View(Optional.of(new Leadership(leader, NOW.plus(lapsesIn), 7, mine)), Optional.empty(), NOW);
  }

  @Test
  void aStandbyCampaignsJustAfterTheLeadersLeaseLapsesWhenThatComesBeforeItsTurn() {
    assertThat(FleetSeat.nextCampaign(seen("agent-a", Duration.ofSeconds(4), false), NOW, PERIOD))
        .isEqualTo(Duration.ofMillis(4_100));
  }

  @Test
  void otherwiseEveryThirdOfTheLeaseTime() {
    assertThat(FleetSeat.nextCampaign(seen("agent-a", Duration.ofSeconds(25), false), NOW, PERIOD)).isEqualTo(PERIOD);
    assertThat(FleetSeat.nextCampaign(seen("agent-b", Duration.ofSeconds(2), true), NOW, PERIOD))
        .as("the leader renews on its turn").isEqualTo(PERIOD);
    assertThat(FleetSeat.nextCampaign(new FleetSeat.View(Optional.empty(), Optional.of("database down"), NOW), NOW,
        PERIOD)).as("nothing seen yet").isEqualTo(PERIOD);
  }

  @Test
  void aLeaseThatLapsedByThisClockButWasStillHeldIsAskedAgainAfterAPauseNotInALoop() {
    // The leader's clock runs ahead of this one: its lease "lapsed" here, the campaign found it held.
    assertThat(FleetSeat.nextCampaign(seen("agent-a", Duration.ofSeconds(-3), false), NOW, PERIOD))
        .isEqualTo(Duration.ofMillis(500));
  }
}
