package io.certferry.core.issue.acme;

import io.certferry.core.testing.FakeTime;
import io.certferry.core.Sleeper;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.certferry.core.issue.IssueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.shredzone.acme4j.Status;

class PollerTest {
  /** A clock that only moves when the fake sleeper sleeps. */

  /** Answers scripted statuses and Retry-After values, one per fetch. */
  static final class Scripted implements Poller.Pollable {
    final Deque<Status> statuses;
    final Deque<Optional<Instant>> retryAfters = new ArrayDeque<>();
    Status current;
    int fetches;

    Scripted(Status... statuses) { this.statuses = new ArrayDeque<>(List.of(statuses)); }

    @Override
    public Optional<Instant> fetch() {
      fetches++;
      current = statuses.size() > 1 ? statuses.poll() : statuses.peek();
      return retryAfters.isEmpty() ? Optional.empty() : retryAfters.poll();
    }

    @Override
    public Status status() { return current; }
  }

  private final FakeTime time = new FakeTime();
  private final List<String> progress = new ArrayList<>();

  @Test
  void backsOffExponentiallyFrom10msToTheCap() throws Exception {
    Scripted r = new Scripted(Status.PENDING, Status.PENDING, Status.PENDING, Status.PENDING, Status.PENDING,
        Status.PENDING, Status.PENDING, Status.PENDING, Status.PENDING, Status.PENDING, Status.VALID);
    Status s = new Poller(PollSchedule.DEFAULT, time, time).await(r, Set.of(Status.VALID), "authz", progress::add);
    assertThat(s).isEqualTo(Status.VALID);
    assertThat(r.fetches).isEqualTo(11);
    assertThat(time.sleeps()).extracting(Duration::toMillis)
        .containsExactly(10L, 20L, 40L, 80L, 160L, 320L, 640L, 1280L, 2560L, 3000L);
  }

  @Test
  void firstAnswerAlreadyDoneNeverSleeps() throws Exception {
    Scripted r = new Scripted(Status.VALID);
    new Poller(PollSchedule.DEFAULT, time, time).await(r, Set.of(Status.VALID), "order", progress::add);
    assertThat(time.sleeps()).isEmpty();
  }

  @Test
  void honoursRetryAfterWhenTheCaSendsOne() throws Exception {
    Scripted r = new Scripted(Status.PROCESSING, Status.PROCESSING, Status.VALID);
    r.retryAfters.add(Optional.of(time.instant().plusSeconds(7)));
    r.retryAfters.add(Optional.empty());
    new Poller(PollSchedule.DEFAULT, time, time).await(r, Set.of(Status.VALID), "order", progress::add);
    // 7 s from Retry-After, then the schedule resumes at its second step
    assertThat(time.sleeps()).extracting(Duration::toMillis).containsExactly(7000L, 20L);
    assertThat(progress).anyMatch(l -> l.contains("waiting 7.0 s for the CA") && l.contains("processing"));
  }

  @Test
  void stopsAtInvalid() throws Exception {
    Scripted r = new Scripted(Status.PENDING, Status.INVALID);
    assertThat(new Poller(PollSchedule.DEFAULT, time, time).await(r, Set.of(Status.VALID), "authz", progress::add))
        .isEqualTo(Status.INVALID);
  }

  @Test
  void givesUpAtTheDeadlineWithoutOversleeping() {
    PollSchedule schedule = new PollSchedule(Duration.ofMillis(100), Duration.ofSeconds(3), Duration.ofSeconds(10));
    Scripted r = new Scripted(Status.PENDING);
    r.retryAfters.add(Optional.of(time.instant().plusSeconds(60))); // a Retry-After past the deadline is cut to it
    assertThatThrownBy(() -> new Poller(schedule, time, time).await(r, Set.of(Status.VALID), "authorization for a.example", progress::add))
        .isInstanceOf(IssueException.class)
        .hasMessageContaining("authorization for a.example is still pending after 10 s");
    assertThat(time.sleeps().stream().mapToLong(Duration::toMillis).sum()).isEqualTo(10_000L);
  }

  @Test
  void interruptStopsCleanly() {
    Sleeper interrupted = d -> { throw new InterruptedException("stop"); };
    Scripted r = new Scripted(Status.PENDING);
    assertThatThrownBy(() -> new Poller(PollSchedule.DEFAULT, time, interrupted).await(r, Set.of(Status.VALID), "x", progress::add))
        .isInstanceOf(InterruptedException.class);
    assertThat(r.fetches).isEqualTo(1);
  }

  @Test
  void scheduleRejectsNonsense() {
    assertThatThrownBy(() -> new PollSchedule(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
