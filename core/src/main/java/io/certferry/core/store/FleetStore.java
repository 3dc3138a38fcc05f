package io.certferry.core.store;

import java.time.Duration;

/**
 * A store that several agents share, on several machines, and that elects one of them to do the work: the
 * fleet's <em>leader</em> holds a lease (an owner, an expiry and a term that only grows), renews it while it
 * runs, and the others stand by until it lapses. An optional interface: a {@link CertificateStore} that
 * implements it can be shared by a fleet (the PostgreSQL store); {@link FileStore} does not.
 *
 * <p>What it promises: at most one agent's {@link #campaign} answers {@link Leadership#mine()} for a term, and
 * an agent whose lease lapsed by its own clock is not told it leads until it has taken the lease again (a new
 * term). What it does not: that a deposed leader stops at once. It finds out at its next campaign or its next
 * fenced lineage write ({@link #lock} leases refuse the writes of a holder whose lease lapsed), so the agent
 * checks {@link Leadership#heldAt} before each step and the store's fencing guards the rest.
 *
 * @since 0.1
 */
public interface FleetStore extends CertificateStore {
  /**
   * This agent's name in leases (host, process, instance), as the other agents' messages name it.
   *
   * @since 0.1
   */
  String owner();

  /**
   * How long a lease lasts unless renewed: a dead leader's work is taken over after at most this.
   *
   * @since 0.1
   */
  Duration leaseTime();

  /**
   * Takes the leader lease when it is free or has lapsed, renews it when this agent holds it, or reads who
   * holds it: one statement. Call it every third of the {@link #leaseTime()} while running.
   *
   * @throws StoreException when the store cannot be reached (the lease is then not renewed)
   * @since 0.1
   */
  Leadership campaign();

  /**
   * Gives the leader lease up, if this agent holds it, so another agent takes over without waiting (shutdown).
   *
   * @since 0.1
   */
  void resign();
}
