package io.certferry.core.x509;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * IP address literals among a certificate's names (RFC 8738 identifiers, IP subject alternative
 * names): the one place that decides whether a name is an address, and how an address is written.
 * Parsing never touches DNS: only dotted-quad IPv4 and colon-hex IPv6 text is accepted (no
 * {@code 1.2.3}, no zone ids, no brackets), and IPv6 is written in RFC 5952's canonical form.
 *
 * @since 0.1
 */
public final class IpAddresses {
  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  private IpAddresses() {}

  /**
   * Whether {@code text} is an IPv4 or IPv6 address literal rather than a DNS name.
   *
   * @since 0.1
   */
  public static boolean isLiteral(String text) {
    return parse(text).isPresent();
  }

  /**
   * The address {@code text} spells, or empty when it is not an address literal (a DNS name, say).
   *
   * @since 0.1
   */
  public static Optional<InetAddress> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    try {
      if (IPV4.matcher(t).matches()) {
        String[] parts = t.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
          b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return Optional.of(InetAddress.getByAddress(b));
      }
      if (IPV6_CHARS.matcher(t).matches() && t.length() <= 45) {
        // Text with a colon is only ever read as an IPv6 literal: getByName does no lookup for it.
        return Optional.of(InetAddress.getByName(t));
      }
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * The canonical text of an address literal (IPv6 per RFC 5952: lower case, leading zeros dropped, the
   * longest run of zero groups as {@code ::}), or {@code text} unchanged when it is not one.
   *
   * @since 0.1
   */
  public static String canonical(String text) {
    return parse(text).map(IpAddresses::format).orElse(text);
  }

  /**
   * The canonical text of an address.
   *
   * @since 0.1
   */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952 4.2.2: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /**
   * The reverse-mapping name of an address ({@code 4.3.2.1.in-addr.arpa}, nibbles under {@code ip6.arpa}),
   * which RFC 8738 section 6 makes the TLS server name of a tls-alpn-01 validation of an IP identifier.
   *
   * @since 0.1
   */
  public static String reverseName(InetAddress address) {
    byte[] b = address.getAddress();
    StringBuilder sb = new StringBuilder();
    if (b.length == 4) {
      for (int i = 3; i >= 0; i--) {
        sb.append(b[i] & 0xff).append('.');
      }
      return sb.append("in-addr.arpa").toString();
    }
    for (int i = b.length - 1; i >= 0; i--) {
      sb.append(Character.forDigit(b[i] & 0x0f, 16)).append('.').append(Character.forDigit((b[i] >> 4) & 0x0f, 16)).append('.');
    }
    return sb.append("ip6.arpa").toString();
  }
}
