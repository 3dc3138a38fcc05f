package io.certferry.provider.postgresql;

import io.certferry.core.store.StoreException;

/**
 * A write to a lineage was refused because the writer no longer holds the lineage's lease: it lapsed
 * (the agent was paused or cut off longer than the lease time) and another agent may have taken it over
 * with a higher fencing token. Nothing of the write was applied. The agent must stop working on the
 * lineage: whoever holds the lease now does that work.
 *
 * @since 0.1
 */
public class LeaseLostException extends StoreException {
  private static final long serialVersionUID = 1L;

  private final String lineage;
  private final long fencingToken;

  public LeaseLostException(String lineage, long fencingToken, String message) {
    super(message);
    this.lineage = lineage;
    this.fencingToken = fencingToken;
  }

  /** The lineage that was to be written. */
  public String lineage() { return lineage; }

  /** The token of the lease the refused write was made under. */
  public long fencingToken() { return fencingToken; }
}
