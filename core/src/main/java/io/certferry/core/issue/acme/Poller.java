package io.certferry.core.issue.acme;

import io.certferry.core.Sleeper;
import io.certferry.core.issue.IssueException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.shredzone.acme4j.AcmeJsonResource;
import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

/** Polls an ACME resource until it reaches one of the wanted states, following a {@link PollSchedule}. */
final class Poller {
  private final PollSchedule schedule;
  private final Clock clock;
  private final Sleeper sleeper;

  Poller(PollSchedule schedule, Clock clock, Sleeper sleeper) {
    this.schedule = schedule;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Something that can be fetched (returns the Retry-After) and tells its status. */
  interface Pollable {
    Optional<Instant> fetch() throws AcmeException;

    Status status();
  }

  static <R extends AcmeJsonResource & PollableResource> Pollable of(R resource) {
    return new Pollable() {
      @Override
      public Optional<Instant> fetch() throws AcmeException { return resource.fetch(); }

      @Override
      public Status status() { return resource.getStatus(); }
    };
  }

  /**
   * Fetches the resource until its status is in {@code done}, or {@link Status#INVALID}.
   *
   * @param what names the resource in messages, e.g. {@code authorization for www.example.com}
   * @return the final status
   * @throws IssueException when the deadline passes first
   */
  Status await(Pollable resource, Set<Status> done, String what, Consumer<String> progress)
      throws AcmeException, IssueException, InterruptedException {
    Instant deadline = clock.instant().plus(schedule.timeout());
    for (int attempt = 0; ; attempt++) {
      Optional<Instant> retryAfter = resource.fetch();
      Status status = resource.status();
      if (done.contains(status) || status == Status.INVALID) {
        return status;
      }
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        throw new IssueException(IssueException.Kind.CA_UNREACHABLE, what + " is still " + status.name().toLowerCase() + " after "
            + schedule.timeout().toSeconds() + " s; the CA is slow or stuck, try again later");
      }
      Duration delay = schedule.delay(attempt, retryAfter, now, deadline);
      if (delay.toMillis() >= 1000) {
        progress.accept("waiting " + delay.toMillis() / 1000.0 + " s for the CA (" + what + " is "
            + status.name().toLowerCase() + ")");
      }
      sleeper.sleep(delay);
    }
  }
}
