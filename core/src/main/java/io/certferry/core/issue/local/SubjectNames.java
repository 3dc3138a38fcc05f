package io.certferry.core.issue.local;

import io.certferry.core.issue.IssueException;
import io.certferry.core.x509.IpAddresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** The names a local certificate is for: DNS names (wildcards allowed) and IP address literals. */
final class SubjectNames {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  /** Digits and dots only: meant as an IPv4 address, not a DNS name. */
  private static final Pattern NUMERIC = Pattern.compile("[\\d.]+");

  private SubjectNames() {}

  /** One name: its text and, for an IP literal, the address. */
  record Name(String text, InetAddress ip) {
    boolean isIp() { return ip != null; }
  }

  /** Parses and checks the names, dropping duplicates; the message names the first bad one. */
  static List<Name> parse(List<String> domains) throws IssueException {
    Set<String> seen = new LinkedHashSet<>();
    List<Name> out = new ArrayList<>();
    for (String raw : domains) {
      String text = raw == null ? "" : raw.trim().toLowerCase(Locale.ROOT);
      if (!seen.add(text)) {
        continue;
      }
      out.add(parseOne(text, raw));
    }
    return out;
  }

  private static Name parseOne(String text, String raw) throws IssueException {
    Optional<InetAddress> ip = IpAddresses.parse(text);
    if (ip.isPresent()) {
      return new Name(text, ip.get());
    }
    if (NUMERIC.matcher(text).matches() || text.contains(":")) {
      throw new IssueException(IssueException.Kind.LOCAL, "local CA: '" + raw + "' is not a valid IP address");
    }
    String host = text.startsWith("*.") ? text.substring(2) : text;
    if (host.isEmpty() || host.length() > 253 || !allLabelsValid(host)) {
      throw new IssueException(IssueException.Kind.LOCAL, "local CA: '" + raw + "' is not a DNS name; use letters, digits and hyphens in"
          + " dot-separated labels, with an optional leading '*.' for a wildcard");
    }
    return new Name(text, null);
  }

  private static boolean allLabelsValid(String host) {
    for (String label : host.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Whether a name falls inside the permitted domains (all names when there are none). */
  static boolean permitted(Name name, List<String> permittedDomains) {
    if (permittedDomains.isEmpty()) {
      return true;
    }
    if (name.isIp()) {
      return false; // the constraint lists DNS names only; an IP would escape it
    }
    String host = name.text().startsWith("*.") ? name.text().substring(2) : name.text();
    for (String d : permittedDomains) {
      String domain = d.toLowerCase(Locale.ROOT);
      if (host.equals(domain) || host.endsWith("." + domain)) {
        return true;
      }
    }
    return false;
  }
}
