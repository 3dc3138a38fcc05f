package io.certferry.provider.nginx;

import java.util.Optional;

/** Where a frontend answers TLS: {@code host:port}, or {@code [v6]:port}. */
public record Address(String host, int port) {
  /** Parses {@code web1.example.org:443}, {@code 10.0.0.5:8443} or {@code [2001:db8::1]:443}; empty when malformed. */
  public static Optional<Address> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      return Optional.empty(); // bare IPv6 without brackets is ambiguous
    }
    try {
      int port = Integer.parseInt(text.substring(colon + 1));
      return port < 1 || port > 65535 || host.isBlank() ? Optional.empty() : Optional.of(new Address(host, port));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() { return (host.contains(":") ? "[" + host + "]" : host) + ":" + port; }
}
