package io.certferry.core.issue.acme;

import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.IssueException;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the dns-persist-01 record of a name is in place: every server that answers for the zone (its
 * authoritative servers, or the configured propagation servers) holds a {@code _validation-persist} TXT
 * record that authorizes the account at the CA. The solver asks before it writes anything; a
 * {@code doctor} can ask the same question.
 *
 * <pre>{@code
 * DnsPersist.Status s = DnsPersist.check("example.org", true, accountUrl, List.of("letsencrypt.org"),
 *     PropagationCheck.builder().build(), clock.instant());
 * if (!s.inPlace()) System.out.println(s.explanation());
 * }</pre>
 *
 * @since 0.1
 */
public final class DnsPersist {
  private DnsPersist() {}

  /**
   * What the DNS holds for one name.
   *
   * @param recordName {@code _validation-persist.<name>}
   * @param inPlace whether every server holds an authorizing record
   * @param explanation one line: in place, or what each lagging server holds instead
   * @param seen the TXT values each server answered
   * @since 0.1
   */
  public record Status(String recordName, boolean inPlace, String explanation, Map<InetSocketAddress, List<String>> seen) {
    public Status {
      seen = Map.copyOf(seen);
    }
  }

  /**
   * Looks the record up at every server.
   *
   * @param domain the name, without {@code *.}
   * @param wildcard whether the record must also authorize {@code *.domain} ({@code policy=wildcard})
   * @param accountUri the ACME account's URL
   * @param issuerDomainNames the names the CA accepts for itself (the challenge's {@code issuer-domain-names})
   * @param dns where and how to look (its servers setting, or the zone's authoritative servers)
   * @throws IssueException when the zone's servers cannot be found
   * @since 0.1
   */
  public static Status check(String domain, boolean wildcard, String accountUri, List<String> issuerDomainNames,
                             PropagationCheck dns, Instant at) throws IssueException {
    String name = DnsPersistRecord.nameFor(domain);
    Map<InetSocketAddress, List<String>> seen = dns.lookup(name);
    List<String> behind = new ArrayList<>();
    for (Map.Entry<InetSocketAddress, List<String>> e : seen.entrySet()) {
      Optional<String> why = why(e.getValue(), wildcard, accountUri, issuerDomainNames, at);
      why.ifPresent(w -> behind.add(host(e.getKey()) + " " + w));
    }
    if (behind.isEmpty()) {
      return new Status(name, true, name + " authorizes " + accountUri + " at all " + seen.size() + " server(s)", seen);
    }
    return new Status(name, false, name + " does not authorize " + accountUri + " at " + behind.size() + " of "
        + seen.size() + " server(s): " + String.join("; ", behind), seen);
  }

  /** Why none of one server's values authorizes the account; empty when one does. */
  private static Optional<String> why(List<String> values, boolean wildcard, String accountUri, List<String> issuers,
                                      Instant at) {
    if (values.isEmpty()) {
      return Optional.of("has no TXT record there");
    }
    List<String> reasons = new ArrayList<>();
    for (String v : values) {
      Optional<DnsPersistRecord> r = DnsPersistRecord.parse(v);
      if (r.isEmpty()) {
        reasons.add("'" + v + "' is not a dns-persist-01 record");
        continue;
      }
      Optional<String> mismatch = r.get().mismatch(issuers, accountUri, wildcard, at);
      if (mismatch.isEmpty()) {
        return Optional.empty();
      }
      reasons.add("'" + v + "': " + mismatch.get());
    }
    return Optional.of("holds " + String.join(", ", reasons));
  }

  private static String host(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + (a.getPort() == 53 ? "" : ":" + a.getPort());
  }
}
