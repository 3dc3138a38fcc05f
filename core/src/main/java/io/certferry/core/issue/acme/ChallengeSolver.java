package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import java.util.function.Consumer;

/**
 * Answers one kind of ACME challenge. The issuer calls {@link #prepare} for every authorization of
 * an order, then {@link Prepared#awaitReady} on each (e.g. DNS propagation), triggers the
 * challenges, and finally {@link Prepared#cleanup} on every prepared challenge, also when the
 * order fails. Implementations must be safe for concurrent orders.
 *
 * @since 0.1
 */
public interface ChallengeSolver {
  /**
   * The challenge type solved: {@code http-01}, {@code dns-01} or {@code tls-alpn-01}.
   *
   * @since 0.1
   */
  String type();

  /**
   * Whether this solver can validate the name ({@code http-01} cannot validate wildcards).
   *
   * @since 0.1
   */
  default boolean canSolve(String domain, boolean wildcard) {
    return !wildcard;
  }

  /**
   * Puts the challenge response in place (file, HTTP route, DNS record).
   *
   * @since 0.1
   */
  Prepared prepare(PendingChallenge challenge, Consumer<String> progress) throws IssueException, InterruptedException;

  /**
   * A challenge response in place, removed by {@link #cleanup}.
   *
   * @since 0.1
   */
  interface Prepared {
    /**
     * Blocks until the CA can see the response (e.g. DNS propagated); default: at once.
     *
     * @since 0.1
     */
    default void awaitReady(Consumer<String> progress) throws IssueException, InterruptedException {}

    /**
     * Removes exactly what {@code prepare} put in place; never throws (failures go to {@code progress}).
     *
     * @since 0.1
     */
    void cleanup(Consumer<String> progress);
  }
}
