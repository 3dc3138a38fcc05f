package io.certferry.core.dns;

import io.certferry.core.Sleeper;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.acme.PollSchedule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Waits until a TXT value is visible at every authoritative name server of its zone, so the CA
 * never sees a stale answer. Each server is asked directly (a {@link SimpleResolver} per server,
 * recursion off), never through a caching resolver. The zone's servers are found from its SOA/NS
 * records through the system resolver; {@link Builder#servers} overrides them (lego's
 * {@code --dns.resolvers}), e.g. to ask pebble-challtestsrv in tests.
 *
 * @since 0.1
 */
public final class PropagationCheck {
  private final List<InetSocketAddress> servers;
  private final Resolver lookupResolver;
  private final Duration timeout;
  private final Duration queryTimeout;
  private final int nameServerPort;
  private final Clock clock;
  private final Sleeper sleeper;

  private PropagationCheck(Builder b) {
    this.servers = List.copyOf(b.servers);
    this.lookupResolver = b.lookupResolver;
    this.timeout = b.timeout;
    this.queryTimeout = b.queryTimeout;
    this.nameServerPort = b.nameServerPort;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /**
   * A builder; by default every authoritative server of the zone is asked.
   *
   * @since 0.1
   */
  public static Builder builder() { return new Builder(); }

  /**
   * Blocks until every server answers {@code value} among the TXT records of {@code fqdn}.
   *
   * @throws IssueException when the timeout passes first, naming the servers still behind
   * @since 0.1
   */
  public void await(String fqdn, String value, Consumer<String> progress) throws IssueException, InterruptedException {
    Name name = name(fqdn);
    List<InetSocketAddress> targets = servers.isEmpty() ? authoritativeServers(name) : servers;
    Instant deadline = clock.instant().plus(timeout);
    PollSchedule schedule = new PollSchedule(Duration.ofMillis(250), Duration.ofSeconds(5), timeout);
    for (int attempt = 0; ; attempt++) {
      Map<InetSocketAddress, String> behind = new LinkedHashMap<>();
      for (InetSocketAddress server : targets) {
        List<String> answer = query(server, name);
        if (!answer.contains(value)) {
          behind.put(server, answer.isEmpty() ? "no TXT" : String.join(",", answer));
        }
      }
      if (behind.isEmpty()) {
        return;
      }
      String lagging = behind.entrySet().stream().map(e -> host(e.getKey()) + " answers " + e.getValue())
          .collect(Collectors.joining("; "));
      Instant now = clock.instant();
      if (!now.isBefore(deadline)) {
        throw new IssueException(IssueException.Kind.LOCAL, "dns-01: " + fqdn + " TXT not visible at " + behind.size() + " of " + targets.size()
            + " authoritative servers after " + timeout.toSeconds() + " s (" + lagging
            + "); check the DNS provider, or raise the propagation timeout");
      }
      progress.accept("waiting for DNS: " + fqdn + " at " + behind.size() + " of " + targets.size()
          + " servers not yet (" + lagging + ")");
      sleeper.sleep(schedule.delay(attempt, Optional.empty(), now, deadline));
    }
  }

  /**
   * The TXT values of {@code fqdn} at each server {@link #await} would ask (the zone's authoritative ones,
   * or those given to the builder), asked once, in order. A server that did not answer has one value
   * starting with {@code (no answer}.
   *
   * @since 0.1
   */
  public Map<InetSocketAddress, List<String>> lookup(String fqdn) throws IssueException {
    Name name = name(fqdn);
    Map<InetSocketAddress, List<String>> out = new LinkedHashMap<>();
    for (InetSocketAddress server : servers.isEmpty() ? authoritativeServers(name) : servers) {
      out.put(server, query(server, name));
    }
    return out;
  }

  /** The name servers of the zone holding {@code name}, with their addresses (port 53). */
  List<InetSocketAddress> authoritativeServers(Name name) throws IssueException {
    for (Name candidate = name; candidate.labels() > 1; candidate = new Name(candidate, 1)) {
      List<Name> ns = nameServers(candidate);
      if (!ns.isEmpty()) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Name host : ns) {
          try {
            for (InetAddress a : InetAddress.getAllByName(host.toString(true))) {
              out.add(new InetSocketAddress(a, nameServerPort));
            }
          } catch (UnknownHostException e) {
            // a name server without address cannot serve the zone; the others still count
          }
        }
        if (out.isEmpty()) {
          throw new IssueException(IssueException.Kind.LOCAL, "dns-01: none of the name servers of " + candidate + " (" + ns + ") resolves to an address");
        }
        return out;
      }
    }
    throw new IssueException(IssueException.Kind.LOCAL, "dns-01: found no zone (SOA/NS) above " + name + "; check the name is delegated");
  }

  private List<Name> nameServers(Name zone) throws IssueException {
    Message response = send(lookupResolver, Message.newQuery(Record.newRecord(zone, Type.NS, DClass.IN)), "system resolver");
    if (response.getRcode() != Rcode.NOERROR) {
      return List.of();
    }
    List<Name> out = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof NSRecord ns && ns.getName().equals(zone)) {
        out.add(ns.getTarget());
      }
    }
    boolean soaHere = response.getSection(Section.AUTHORITY).stream()
        .anyMatch(r -> r instanceof SOARecord && r.getName().equals(zone));
    return out.isEmpty() && soaHere ? List.of() : out;
  }

  private List<String> query(InetSocketAddress server, Name name) throws IssueException {
    SimpleResolver resolver = new SimpleResolver(server);
    resolver.setTimeout(queryTimeout);
    Message q = Message.newQuery(Record.newRecord(name, Type.TXT, DClass.IN));
    q.getHeader().unsetFlag(org.xbill.DNS.Flags.RD); // ask the server what it holds, not what it can find
    Message response;
    try {
      response = resolver.send(q);
    } catch (IOException e) {
      return List.of("(no answer: " + e.getMessage() + ")");
    }
    List<String> values = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      if (r instanceof TXTRecord txt) {
        values.add(String.join("", txt.getStrings()));
      }
    }
    return values;
  }

  private static Message send(Resolver resolver, Message query, String what) throws IssueException {
    try {
      return resolver.send(query);
    } catch (IOException e) {
      throw new IssueException(IssueException.Kind.LOCAL, "dns-01: " + what + " did not answer (" + e.getMessage() + ")", e);
    }
  }

  private static Name name(String fqdn) throws IssueException {
    try {
      return Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
    } catch (TextParseException e) {
      throw new IssueException(IssueException.Kind.LOCAL, "dns-01: " + fqdn + " is not a valid DNS name", e);
    }
  }

  private static String host(InetSocketAddress a) {
    return a.getAddress().getHostAddress() + (a.getPort() == 53 ? "" : ":" + a.getPort());
  }

  /**
   * Builds a {@link PropagationCheck}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private List<InetSocketAddress> servers = List.of();
    private Resolver lookupResolver;
    private Duration timeout = Duration.ofMinutes(2);
    private Duration queryTimeout = Duration.ofSeconds(3);
    private int nameServerPort = 53;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;

    private Builder() {}

    /**
     * Ask these servers instead of the zone's authoritative ones (lego's {@code --dns.resolvers}).
     *
     * @since 0.1
     */
    public Builder servers(List<InetSocketAddress> servers) { this.servers = List.copyOf(servers); return this; }

    /**
     * The resolver used to find the zone's NS records (default: the system's).
     *
     * @since 0.1
     */
    public Builder lookupResolver(Resolver resolver) { this.lookupResolver = resolver; return this; }

    /**
     * How long to wait for propagation in total (default 2 minutes).
     *
     * @since 0.1
     */
    public Builder timeout(Duration timeout) { this.timeout = timeout; return this; }

    /**
     * How long to wait for one server's answer (default 3 s).
     *
     * @since 0.1
     */
    public Builder queryTimeout(Duration queryTimeout) { this.queryTimeout = queryTimeout; return this; }

    /**
     * The port the zone's name servers answer on (default 53; tests use a free one).
     *
     * @since 0.1
     */
    public Builder nameServerPort(int port) { this.nameServerPort = port; return this; }

    /**
     * The clock the timeout is measured by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) { this.clock = clock; return this; }

    /**
     * How the check waits between queries (default {@link Sleeper#SYSTEM}).
     *
     * @since 0.1
     */
    public Builder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }

    /**
     * The check.
     *
     * @since 0.1
     */
    public PropagationCheck build() {
      if (lookupResolver == null && servers.isEmpty()) {
        lookupResolver = new ExtendedResolver();
      }
      return new PropagationCheck(this);
    }
  }

  /**
   * Parses {@code host:port} (port defaults to 53).
   *
   * @since 0.1
   */
  public static InetSocketAddress parseServer(String text) {
    int colon = text.lastIndexOf(':');
    if (colon > 0 && text.indexOf(':') == colon) {
      return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
    }
    return new InetSocketAddress(text, 53);
  }
}
