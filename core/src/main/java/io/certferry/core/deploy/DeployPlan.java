package io.certferry.core.deploy;

/**
 * What a pass would do to one target, and why, decided by the rules a deploy follows but without changing
 * anything: the dry run's answer ({@code certferry run --once --dry-run}, {@code CertManager.plan()}).
 *
 * @param why one line for people: what the target serves, its backoff, its window
 * @since 0.1
 */
public record DeployPlan(String targetId, Step step, String why) {
  /**
   * What would happen.
   *
   * @since 0.1
   */
  public enum Step {
    /** Nothing: it serves the current version. */
    NONE,
    /** The current (or the new) version would be deployed now. */
    DEPLOY,
    /** It waits: for its maintenance window, or for its account's request budget. */
    WAIT,
    /** The last attempt failed; it is tried again after its backoff. */
    BACKING_OFF
  }
}
