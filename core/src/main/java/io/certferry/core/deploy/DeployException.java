package io.certferry.core.deploy;

import io.certferry.core.CertferryException;

import java.time.Duration;
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
}
