package io.certferry.core.deploy;

import io.certferry.core.CertferryException;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A deploy, verify or read of a target failed. The message says what went wrong and what to fix,
 * and never contains a token or key.
 *
 * @since 0.1
 */
public class DeployException extends CertferryException {
  private static final long serialVersionUID = 1L;
  private final boolean retryable;
  private final Duration retryAfter;
  private final Instant waitingUntil;

  public DeployException(String message) { this(message, true, null, null); }

  public DeployException(String message, Throwable cause) { this(message, true, null, cause); }

  /**
   * @param retryable false when retrying cannot help until the configuration changes (bad token,
   *     unknown id, name not covered); the agent still retries, but on its slowest schedule
   * @param retryAfter when the far side said when to come back
   */
  public DeployException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
    this.waitingUntil = null;
  }

  private DeployException(String message, Instant waitingUntil) {
    super(message, null);
    this.retryable = true;
    this.retryAfter = null;
    this.waitingUntil = waitingUntil;
  }

  /**
   * Not a failure: the work was held back, unsent, because the request budget of the target's account
   * (its published limits, the quota its API reports) is used up until {@code until}. The target is
   * reported as waiting until then; no attempt is counted and nothing is alerted.
   *
   * @since 0.1
   */
  public static DeployException waiting(String message, Instant until) {
    return new DeployException(message, until);
  }

  /**
   * Whether trying again later may succeed (an outage, a rate limit), rather than needing a fix.
   *
   * @since 0.1
   */
  public boolean isRetryable() { return retryable; }

  /**
   * How long the target asked to wait before the next attempt, if it said.
   *
   * @since 0.1
   */
  public Optional<Duration> retryAfter() { return Optional.ofNullable(retryAfter); }

  /**
   * Set when the work waits for the account's request budget ({@link #waiting}): when it may go.
   *
   * @since 0.1
   */
  public Optional<Instant> waitingUntil() { return Optional.ofNullable(waitingUntil); }
}
