package io.certferry.core.doctor;

import io.certferry.core.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Runs {@link Check}s in parallel, each under its own timeout, and collects what they found in the order the
 * checks were given. A check that throws or outlives its timeout is a failure with a fix; the others are not held
 * up by it. Changes nothing itself: whether a check does is the check's promise (every built-in one only reads).
 *
 * <pre>{@code
 * DoctorReport report = Doctor.builder().timeout(Duration.ofSeconds(20)).progress(System.err::println).build()
 *     .run(DoctorChecks.of(manager, DoctorChecks.Options.defaults()));
 * report.results().forEach(System.out::println);
 * }</pre>
 *
 * @since 0.1
 */
public final class Doctor {
  private final Duration timeout;
  private final Consumer<String> progress;
  private final Executor executor;

  private Doctor(Builder b) {
    this.timeout = b.timeout;
    this.progress = b.progress;
    this.executor = b.executor;
  }

  /**
   * A builder: 20 s per check, no progress lines, a thread per check.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * Runs every check and waits for all of them (at most the timeout each).
   *
   * @throws InterruptedException when interrupted while waiting
   * @since 0.1
   */
  public DoctorReport run(List<Check> checks) throws InterruptedException {
    ExecutorService own = executor == null ? threadPerCheck() : null;
    Executor runOn = own != null ? own : executor;
    try {
      List<CompletableFuture<List<CheckResult>>> futures = new ArrayList<>();
      for (Check c : checks) {
        progress.accept("checking " + c.name());
        futures.add(CompletableFuture.supplyAsync(() -> call(c), runOn).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      List<CheckResult> all = new ArrayList<>();
      for (int i = 0; i < checks.size(); i++) {
        List<CheckResult> found = outcome(checks.get(i), futures.get(i));
        progress.accept(checks.get(i).name() + ": " + summary(found));
        all.addAll(found);
      }
      return new DoctorReport(all);
    } finally {
      if (own != null) {
        own.shutdownNow(); // a check still blocked past its timeout is abandoned, not waited for
      }
    }
  }

  private static List<CheckResult> call(Check c) {
    try {
      List<CheckResult> r = c.run();
      if (r.isEmpty()) {
        throw new IllegalStateException("check " + c.name() + " found nothing to report");
      }
      return List.copyOf(r);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  private List<CheckResult> outcome(Check c, CompletableFuture<List<CheckResult>> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
          ? e.getCause().getCause() : e.getCause();
      if (cause instanceof TimeoutException) {
        return List.of(CheckResult.fail(c.name(), "timeout", "no answer within " + Durations.format(timeout),
            "check that what it talks to is reachable from here (firewall, DNS, a hung server), or raise the "
                + "doctor's timeout (--timeout)"));
      }
      return List.of(CheckResult.fail(c.name(), "check", "could not be run: " + describe(cause),
          "fix what the message names, then run doctor again"));
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
  }

  private static String summary(List<CheckResult> found) {
    long fail = found.stream().filter(r -> r.status() == CheckResult.Status.FAIL).count();
    long warn = found.stream().filter(r -> r.status() == CheckResult.Status.WARN).count();
    return fail > 0 ? "fail (" + fail + " of " + found.size() + ")" : warn > 0 ? "warn (" + warn + " of " + found.size()
        + ")" : "ok";
  }

  private static ExecutorService threadPerCheck() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "certferry-doctor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Builds a {@link Doctor}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private Duration timeout = Duration.ofSeconds(20);
    private Consumer<String> progress = line -> { };
    private Executor executor;

    private Builder() {}

    /**
     * How long one check may take (default 20 s); it is then reported failed, and the others go on.
     *
     * @since 0.1
     */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the doctor's timeout must be positive");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Receives a line when a check starts and when it ends (for stderr while they run).
     *
     * @since 0.1
     */
    public Builder progress(Consumer<String> progress) { this.progress = Objects.requireNonNull(progress); return this; }

    /**
     * Where checks run (default: a thread each, so every timeout starts at once). A bounded executor makes a
     * queued check's timeout run while it waits.
     *
     * @since 0.1
     */
    public Builder executor(Executor executor) { this.executor = Objects.requireNonNull(executor); return this; }

    /**
     * The doctor.
     *
     * @since 0.1
     */
    public Doctor build() { return new Doctor(this); }
  }
}
