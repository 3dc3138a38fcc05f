package io.certferry.core.store;

import java.net.URI;
import java.security.KeyPair;

/**
 * An ACME account: the directory it lives at, its local name, its key pair and, once registered,
 * its URL. The key is saved before registration so a crash never leaves a registered account
 * without its key. {@link #toString()} never prints the key.
 *
 * @since 0.1
 */
public record StoredAccount(URI directory, String name, KeyPair keyPair, URI accountUrl) {
  @Override
  public String toString() {
    return "StoredAccount{directory=" + directory + ", name=" + name + ", accountUrl=" + accountUrl + "}";
  }
}
