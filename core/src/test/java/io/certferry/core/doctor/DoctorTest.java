package io.certferry.core.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** The runner: parallel checks, a timeout each, failures of the check itself, order and progress lines. */
class DoctorTest {
  private final List<String> progress = new CopyOnWriteArrayList<>();

  @Test
  void checksRunInParallelAndTheirResultsKeepTheOrderTheyWereGiven() throws Exception {
    CountDownLatch both = new CountDownLatch(2);
    Check.Body waitsForTheOther = () -> {
      both.countDown();
      // Each returns only once the other has started: run one after the other, neither would finish.
      return both.await(10, TimeUnit.SECONDS) ? List.of(CheckResult.ok("x", "y", "z")) : List.of();
    };
    DoctorReport r = Doctor.builder().progress(progress::add).build().run(List.of(
        Check.of("first", () -> {
          List<CheckResult> out = waitsForTheOther.run();
          return List.of(CheckResult.ok("first", "a", out.isEmpty() ? "alone" : "together"));
        }),
        Check.of("second", () -> {
          List<CheckResult> out = waitsForTheOther.run();
          return List.of(CheckResult.warn("second", "b", out.isEmpty() ? "alone" : "together", "look at b"));
        })));

    assertThat(r.results()).extracting(CheckResult::check).containsExactly("first", "second");
    assertThat(r.results()).extracting(CheckResult::message).containsExactly("together", "together");
    assertThat(r.failed()).isFalse();
    assertThat(progress).containsExactly("checking first", "checking second", "first: ok", "second: warn (1 of 1)");
  }

  @Test
  void aCheckPastItsTimeoutFailsWithTheFixAndTheOthersStillReport() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    DoctorReport r = Doctor.builder().timeout(Duration.ofMillis(200)).progress(progress::add).build().run(List.of(
        Check.of("hangs", () -> {
          never.await();
          return List.of();
        }),
        Check.of("quick", () -> List.of(CheckResult.ok("quick", "it", "answers")))));

    assertThat(r.failed()).isTrue();
    CheckResult hung = r.results().get(0);
    assertThat(hung.status()).isEqualTo(CheckResult.Status.FAIL);
    assertThat(hung.check()).isEqualTo("hangs");
    assertThat(hung.message()).isEqualTo("no answer within 200ms");
    assertThat(hung.fix().orElseThrow()).contains("reachable", "--timeout");
    assertThat(r.results().get(1).message()).isEqualTo("answers");
    assertThat(progress).contains("hangs: fail (1 of 1)", "quick: ok");
  }

  @Test
  void aCheckThatThrowsIsReportedAsItsFailure() throws Exception {
    DoctorReport r = Doctor.builder().build().run(List.of(
        Check.of("broken", () -> {
          throw new IOException("connection refused");
        }),
        Check.of("empty", List::of)));

    assertThat(r.results()).extracting(CheckResult::message)
        .containsExactly("could not be run: connection refused", "could not be run: check empty found nothing to report");
    assertThat(r.results()).allMatch(x -> x.fix().isPresent());
    assertThat(r.count(CheckResult.Status.FAIL)).isEqualTo(2);
  }

  @Test
  void aFindingThatIsNotOkMustSayHowToFixIt() {
    Assertions.assertThatThrownBy(() -> new CheckResult("c", "s", CheckResult.Status.WARN, "m",
        Optional.empty())).hasMessageContaining("needs its fix");
  }
}
