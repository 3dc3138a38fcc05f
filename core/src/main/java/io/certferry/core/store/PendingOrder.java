package io.certferry.core.store;

import java.net.URI;
import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An ACME order placed and not yet stored as a version: kept (key included, 0600) from the moment the
 * CA answered newOrder, so a process killed in the middle resumes this order on its next start instead
 * of placing a second one. Removed once the certificate is stored, or when the order turns out invalid.
 *
 * @param directory the CA's directory the order was placed at
 * @param account the local ACME account name
 * @param orderUrl the order's URL, as the CA gave it
 * @param key the certificate key pair the order is to be finalized with
 * @param domains the names ordered, in order
 * @since 0.1
 */
public record PendingOrder(URI directory, String account, URI orderUrl, KeyPair key, Instant placedAt,
                           List<String> domains) {
  public PendingOrder {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(orderUrl, "orderUrl");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(placedAt, "placedAt");
    domains = List.copyOf(domains);
  }

  @Override
  public String toString() {
    return "PendingOrder{" + orderUrl + ", " + domains + ", placed " + placedAt + "}";
  }
}
