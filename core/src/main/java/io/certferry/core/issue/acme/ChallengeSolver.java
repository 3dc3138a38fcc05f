package io.certferry.core.issue.acme;

import io.certferry.core.issue.IssueException;
import java.util.Optional;
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
   * The challenge type solved: {@code http-01}, {@code dns-01}, {@code dns-account-01}, {@code tls-alpn-01}
   * or {@code dns-persist-01}.
   *
   * @since 0.1
   */
  String type();

  /**
   * Whether this kind of challenge can validate the identifier at all ({@code http-01} cannot validate
   * wildcards, the DNS challenges cannot validate IP addresses).
   *
   * @since 0.1
   */
  default boolean canSolve(String domain, boolean wildcard) {
    return !wildcard;
  }

  /**
   * Why this solver cannot answer this challenge now, although it could answer its kind (dns-persist-01:
   * the record is missing and nothing may create it); empty when it can. Asked before the challenge is
   * chosen, so a later choice in the preference list is taken instead.
   *
   * @since 0.1
   */
  default Optional<String> unavailable(PendingChallenge challenge) throws IssueException, InterruptedException {
    return Optional.empty();
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
