package io.certferry.core.issue.acme;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Well-known ACME directories by short name, as accepted by {@code --server}.
 *
 * @since 0.1
 */
public final class AcmeDirectories {
  /** Short names and their directory URLs. */
  public static final Map<String, URI> KNOWN = Map.of(
      "letsencrypt", URI.create("https://acme-v02.api.letsencrypt.org/directory"),
      "letsencrypt-staging", URI.create("https://acme-staging-v02.api.letsencrypt.org/directory"),
      "zerossl", URI.create("https://acme.zerossl.com/v2/DV90"),
      "sectigo-dv", URI.create("https://acme.sectigo.com/v2/DV"));

  /** Production directories and their staging twins (same behaviour, untrusted roots, generous limits). */
  private static final Map<URI, URI> STAGING = Map.of(
      KNOWN.get("letsencrypt"), KNOWN.get("letsencrypt-staging"),
      KNOWN.get("letsencrypt-staging"), KNOWN.get("letsencrypt-staging"));

  private AcmeDirectories() {}

  /**
   * The staging directory of a CA, for a dry run that obtains a real certificate without touching the production
   * limits: Let's Encrypt's for Let's Encrypt (and itself for its staging); empty for a CA whose staging
   * directory is not known here (ZeroSSL and Sectigo publish none).
   *
   * @since 0.1
   */
  public static Optional<URI> stagingOf(URI directory) { return Optional.ofNullable(STAGING.get(directory)); }

  /**
   * A short name or an https directory URL.
   *
   * @throws IllegalArgumentException naming the accepted values
   * @since 0.1
   */
  public static URI resolve(String nameOrUrl) {
    URI known = KNOWN.get(nameOrUrl.trim().toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    try {
      URI uri = URI.create(nameOrUrl.trim());
      if ("https".equals(uri.getScheme()) && uri.getHost() != null) {
        return uri;
      }
      if ("http".equals(uri.getScheme()) && uri.getHost() != null && isLoopback(uri.getHost())) {
        return uri; // plain http only for a CA on this machine (tests)
      }
    } catch (IllegalArgumentException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("server " + nameOrUrl + " is neither a known name ("
        + String.join(", ", new TreeSet<>(KNOWN.keySet())) + ") nor an https:// ACME directory URL");
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
  }
}
