package io.certferry.agent.cli;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What {@code import} was handed, read but not yet checked: every certificate in any order and the
 * key. {@link #toString()} never prints the key.
 *
 * @param description names the inputs in messages, e.g. {@code cert.pem, chain.pem}
 * @param usedPendingKey whether the key is the lineage's pending key (cleared after the import)
 */
record ImportCandidate(List<X509Certificate> heap, PrivateKey key, String description, boolean usedPendingKey) {
  @Override
  public String toString() { return "ImportCandidate{" + description + ", " + heap.size() + " certificates}"; }
}
