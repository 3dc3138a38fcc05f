package io.certferry.core.issue.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.internal.BlockReader;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.x509.IpAddresses;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * How an ACME issuer proves control of its names: the challenge types in preference order and the
 * settings of each. Part of {@link AcmeSettings}; documented in docs/acme.md.
 *
 * <pre>
 *   challenges: [dns-persist-01, dns-01]  # preference order; or challenge: http-01 for one type
 *   http: {port: 80, address: 0.0.0.0}    # http-01: the built-in server, or {webroot: /var/www/html}
 *   tlsAlpn: {port: 443, address: 0.0.0.0} # tls-alpn-01: the built-in TLS server
 *   dnsProvider: {type: dnsimple, token: ${env:DNSIMPLE_TOKEN}} # dns-01, dns-account-01; dns-persist-01
 *                                          # creates its record with it once, if it is missing
 *   dnsPersist: {persistUntil: 2027-06-30} # dns-persist-01: when the CA stops accepting a record made here
 *   propagationServers: [ns1.example.net:53]
 *   propagationTimeout: 2m
 * </pre>
 *
 * @param types the challenge types, most preferred first
 * @param persistUntil the {@code persistUntil} of a dns-persist-01 record Certferry creates
 * @since 0.1
 */
public record ChallengeSettings(List<String> types, Http http, TlsAlpn tlsAlpn, Optional<ObjectNode> dnsProvider,
                                Optional<Instant> persistUntil, List<String> propagationServers,
                                Duration propagationTimeout) {
  /** The keys these settings use in an issuer block. */
  public static final Set<String> KEYS = Set.of("challenge", "challenges", "http", "tlsAlpn", "dnsProvider",
      "dnsPersist", "propagationServers", "propagationTimeout");
  /** Every challenge type Certferry answers. */
  public static final List<String> TYPES = List.of("http-01", "tls-alpn-01", "dns-01", "dns-account-01",
      DnsPersist01Solver.TYPE);
  /** The types that work through DNS (and so for wildcards, never for IP addresses). */
  public static final Set<String> DNS_TYPES = Set.of("dns-01", "dns-account-01", DnsPersist01Solver.TYPE);
  static final Duration DEFAULT_PROPAGATION_TIMEOUT = Duration.ofMinutes(2);

  public ChallengeSettings {
    types = List.copyOf(types);
    propagationServers = List.copyOf(propagationServers);
  }

  /**
   * Where http-01 is answered: the built-in server's address and port, or a webroot.
   *
   * @since 0.1
   */
  public record Http(Optional<String> address, Optional<Integer> port, Optional<Path> webroot) {}

  /**
   * Where the built-in tls-alpn-01 server listens (port 443 unless told).
   *
   * @since 0.1
   */
  public record TlsAlpn(Optional<String> address, Optional<Integer> port) {}

  /** Reads and checks the challenge settings of an issuer block; problems go to {@code r}. */
  static ChallengeSettings read(BlockReader r, List<String> domains, ProviderRegistry providers) {
    String where = r.has("/challenges") ? "/challenges" : "/challenge";
    List<String> types = types(r);
    Http http = http(r);
    r.unknownKeys("/tlsAlpn", Set.of("port", "address"), "tlsAlpn");
    TlsAlpn tlsAlpn = new TlsAlpn(r.text("/tlsAlpn/address"), r.integer("/tlsAlpn/port", 1, 65535));
    r.unknownKeys("/dnsPersist", Set.of("persistUntil"), "dnsPersist");
    Optional<Instant> persistUntil = r.text("/dnsPersist/persistUntil").flatMap(t -> instant(r, t));
    requireSolvable(r, where, types, domains, d -> d.startsWith("*."), DNS_TYPES, "wildcard names",
        "dns-01, dns-account-01 or dns-persist-01");
    requireSolvable(r, where, types, domains, IpAddresses::isLiteral, Set.of("http-01", "tls-alpn-01"),
        "IP addresses", "http-01 or tls-alpn-01");
    Optional<ObjectNode> dns = dnsProvider(r, where, types, providers);
    List<String> servers = r.texts("/propagationServers");
    for (int i = 0; i < servers.size(); i++) {
      try {
        PropagationCheck.parseServer(servers.get(i));
      } catch (IllegalArgumentException e) {
        r.problem("/propagationServers/" + i, "'" + servers.get(i) + "' is not host[:port]");
      }
    }
    Duration timeout = r.duration("/propagationTimeout").orElse(DEFAULT_PROPAGATION_TIMEOUT);
    return new ChallengeSettings(types, http, tlsAlpn, dns, persistUntil, servers, timeout);
  }

  private static List<String> types(BlockReader r) {
    if (r.has("/challenge") && r.has("/challenges")) {
      r.problem("/challenges", "give challenge: (one type) or challenges: (a preference list), not both");
    }
    List<String> given = r.has("/challenges") ? r.texts("/challenges") : r.text("/challenge").map(List::of)
        .orElse(List.of("http-01"));
    String where = r.has("/challenges") ? "/challenges" : "/challenge";
    if (given.isEmpty()) {
      r.problem(where, "give at least one challenge type: " + String.join(", ", TYPES));
    }
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      String t = given.get(i).trim();
      String at = where.equals("/challenges") && r.at(where).isArray() ? where + "/" + i : where;
      if (!TYPES.contains(t)) {
        r.problem(at, "'" + t + "' is not a challenge type; choose from " + String.join(", ", TYPES));
      } else if (!out.add(t)) {
        r.problem(at, "'" + t + "' is listed twice");
      }
    }
    return new ArrayList<>(out);
  }

  /** Every name matching {@code kind} needs one of the types that can prove it. */
  private static void requireSolvable(BlockReader r, String where, List<String> types, List<String> domains,
                                      Predicate<String> kind, Set<String> able, String what, String need) {
    List<String> names = domains.stream().filter(kind).toList();
    if (!names.isEmpty() && !types.isEmpty() && types.stream().noneMatch(able::contains)) {
      r.problem(where, what + " need " + need + "; " + String.join(", ", types) + " cannot prove " + names);
    }
  }

  private static Http http(BlockReader r) {
    r.unknownKeys("/http", Set.of("port", "address", "webroot"), "http");
    Optional<Integer> port = r.integer("/http/port", 1, 65535);
    Optional<String> address = r.text("/http/address");
    Optional<Path> webroot = r.text("/http/webroot").map(Path::of);
    if (r.has("/http/port") && webroot.isPresent()) {
      r.problem("/http", "give either port (a built-in server answers) or webroot (files for your web server), not both");
    }
    webroot.filter(w -> !Files.isDirectory(w)).ifPresent(w -> r.problem("/http/webroot", w
        + " is not a folder; give the folder your web server serves for the name"));
    return new Http(address, port, webroot);
  }

  private static Optional<ObjectNode> dnsProvider(BlockReader r, String where, List<String> types,
                                                  ProviderRegistry providers) {
    boolean needed = types.contains("dns-01") || types.contains("dns-account-01");
    boolean usable = types.stream().anyMatch(DNS_TYPES::contains);
    String installed = String.join(", ", providers.types(DnsProvider.class));
    if (!r.has("/dnsProvider")) {
      if (needed) {
        List<String> writers = types.stream().filter(t -> t.equals("dns-01") || t.equals("dns-account-01")).toList();
        r.problem(where, String.join(" and ", writers) + (writers.size() == 1 ? " needs" : " need")
            + " a DNS provider (dnsProvider: {type: ..., settings} in the config, --dns-provider TYPE "
            + "--dns-set KEY=VALUE on the command line); installed: " + installed);
      }
      return Optional.empty();
    }
    if (!usable) {
      r.problem("/dnsProvider", "dnsProvider is only used with dns-01, dns-account-01 and dns-persist-01");
      return Optional.empty();
    }
    JsonNode n = r.at("/dnsProvider");
    if (!n.isObject() || !n.path("type").isTextual()) {
      r.problem("/dnsProvider", "dnsProvider needs type: and its settings; installed: " + installed);
      return Optional.empty();
    }
    String type = n.get("type").asText();
    Optional<ProviderFactory> f = providers.factory(DnsProvider.class, type);
    if (f.isEmpty()) {
      r.problem("/dnsProvider/type", "no installed provider registers DNS provider type '" + type + "'; installed: "
          + installed);
      return Optional.empty();
    }
    f.get().validate(n).forEach(m -> r.problem("/dnsProvider", m));
    return Optional.of((ObjectNode) n);
  }

  /** An RFC 3339 timestamp, or a date (its start, UTC). */
  private static Optional<Instant> instant(BlockReader r, String text) {
    try {
      return Optional.of(text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
          : OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      r.problem("/dnsPersist/persistUntil", "'" + text + "' is not a date (2027-06-30) or an RFC 3339 timestamp "
          + "(2027-06-30T00:00:00Z)");
      return Optional.empty();
    }
  }

  /**
   * One solver per type, in preference order; the DNS provider, when set, is created once and shared.
   *
   * @throws InputRejectedException when the DNS provider refuses its settings now
   */
  List<ChallengeSolver> solvers(IssuerContext ctx) throws InputRejectedException {
    Optional<DnsProvider> provider = dnsProvider.isPresent() ? Optional.of(provider(ctx)) : Optional.empty();
    List<ChallengeSolver> out = new ArrayList<>();
    for (String type : types) {
      out.add(switch (type) {
        case "http-01" -> http01();
        case "tls-alpn-01" -> new TlsAlpn01Solver(address(tlsAlpn.address(), tlsAlpn.port().orElse(TlsAlpn01Solver.DEFAULT_PORT)));
        case "dns-01" -> new Dns01Solver(provider.orElseThrow(), propagation(ctx));
        case "dns-account-01" -> Dns01Solver.accountLabel(provider.orElseThrow(), propagation(ctx));
        case DnsPersist01Solver.TYPE -> new DnsPersist01Solver(provider, propagation(ctx), persistUntil, ctx.clock());
        default -> throw new IllegalStateException("challenge type " + type + " passed the check but has no solver");
      });
    }
    return out;
  }

  private ChallengeSolver http01() {
    if (http.webroot().isPresent()) {
      return new Http01WebrootSolver(http.webroot().get());
    }
    return new Http01StandaloneSolver(address(http.address(), http.port().orElse(80)));
  }

  private static InetSocketAddress address(Optional<String> host, int port) {
    return host.map(a -> new InetSocketAddress(a, port)).orElseGet(() -> new InetSocketAddress(port));
  }

  /** How DNS records are looked up and waited for: the zone's authoritative servers, or those configured. */
  PropagationCheck propagation(IssuerContext ctx) {
    PropagationCheck.Builder check = PropagationCheck.builder().clock(ctx.clock()).sleeper(ctx.sleeper())
        .timeout(propagationTimeout);
    if (!propagationServers.isEmpty()) {
      check.servers(propagationServers.stream().map(PropagationCheck::parseServer).toList());
    }
    return check.build();
  }

  private DnsProvider provider(IssuerContext ctx) throws InputRejectedException {
    ObjectNode settings = dnsProvider.orElseThrow();
    String type = settings.path("type").asText();
    ProviderFactory f = ctx.providers().factory(DnsProvider.class, type).orElseThrow(() ->
        new InputRejectedException("dnsProvider: no installed provider registers DNS provider type '" + type + "'"));
    try {
      return (DnsProvider) f.create(settings, ctx.providerContext());
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException("dnsProvider " + type + ": " + e.getMessage());
    }
  }
}
