package io.certferry.provider.nginx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How to reach a frontend over SSH. {@link #toString()} never prints the key passphrase.
 *
 * @param keyFile the private key used to log in (OpenSSH or PEM format)
 * @param keyPassphrase the key's passphrase, when it has one (resolved from a secret reference)
 * @param knownHosts the OpenSSH known_hosts file the server's host key must be listed in
 * @param connectTimeout for the TCP connect, key exchange and authentication each
 */
public record SshSettings(String host, int port, String user, Path keyFile, Optional<String> keyPassphrase,
                          Path knownHosts, Duration connectTimeout) {
  /** {@code user@host:port}. */
  public String describe() { return user + "@" + host + ":" + port; }

  @Override
  public String toString() {
    return "SshSettings{" + describe() + ", keyFile=" + keyFile + ", knownHosts=" + knownHosts
        + ", connectTimeout=" + connectTimeout + (keyPassphrase.isPresent() ? ", keyPassphrase=***" : "") + "}";
  }
}
