package io.certferry.core.issue.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.SettingProblem;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.internal.BlockReader;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.store.FileStore;
import io.certferry.core.x509.CertificateReader;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ACME settings of a certificate, one typed model read from every door: the YAML config's
 * {@code issuer:} block, the CLI's flags (turned into the same block, by the same names) and
 * {@code spec.json}. Documented once, in docs/acme.md:
 *
 * <pre>
 * issuer:
 *   type: acme
 *   server: letsencrypt            # or letsencrypt-staging, zerossl, sectigo-dv, a directory URL
 *   serverCa: /path/ca.pem         # extra trust for the CA's own HTTPS (a private CA, Pebble)
 *   account: default               # the local account name
 *   email: ops@example.org
 *   agreeTos: true
 *   eab: {keyId: KID, hmacKey: ${env:EAB_HMAC_KEY}}
 *   challenge: http-01             # or dns-01
 *   http: {port: 80, address: 0.0.0.0}   # or {webroot: /var/www/html}
 *   dnsProvider: {type: dnsimple, token: ${env:DNSIMPLE_TOKEN}}
 *   propagationServers: [ns1.example.net:53]
 *   propagationTimeout: 2m
 *   profile: shortlived
 * </pre>
 *
 * @since 0.1
 */
public record AcmeSettings(String server, Optional<Path> serverCa, String account, Optional<String> email,
                           boolean agreeTos, Optional<Eab> eab, String challenge, Http http,
                           Optional<ObjectNode> dnsProvider, List<String> propagationServers,
                           Duration propagationTimeout, Optional<String> profile) {
  /** The keys an ACME issuer block may hold besides the common ones. */
  public static final Set<String> KEYS = Set.of("server", "serverCa", "account", "email", "agreeTos", "eab",
      "challenge", "http", "dnsProvider", "profile", "propagationServers", "propagationTimeout");
  /** The challenge types this issuer answers. */
  public static final Set<String> CHALLENGES = Set.of("http-01", "dns-01");
  static final Duration DEFAULT_PROPAGATION_TIMEOUT = Duration.ofMinutes(2);

  /** External account binding: the key id and the HMAC key, by reference. */
  public record Eab(String keyId, String hmacKeyReference) {
    @Override
    public String toString() { return "Eab{keyId=" + keyId + "}"; }
  }

  /** Where http-01 is answered: the built-in server's address and port, or a webroot. */
  public record Http(Optional<String> address, Optional<Integer> port, Optional<Path> webroot) {}

  /** The settings or the problems of one block. */
  public record Read(Optional<AcmeSettings> settings, List<SettingProblem> problems) {}

  /**
   * Reads and checks an issuer block without touching the network or creating anything.
   *
   * @param domains the names the certificate covers (a wildcard needs dns-01)
   * @param providers where the DNS provider's type is looked up and its settings checked
   */
  public static Read read(JsonNode block, List<String> domains, ProviderRegistry providers) {
    BlockReader r = new BlockReader(block);
    Optional<String> server = r.text("/server");
    if (server.isEmpty()) {
      r.problem("", "server is missing; give a CA name (letsencrypt, letsencrypt-staging, zerossl, sectigo-dv) or its directory URL");
    } else {
      try {
        AcmeDirectories.resolve(server.get());
      } catch (IllegalArgumentException e) {
        r.problem("/server", e.getMessage());
      }
    }
    Optional<Path> serverCa = r.text("/serverCa").map(Path::of);
    serverCa.filter(f -> !Files.isReadable(f)).ifPresent(f -> r.problem("/serverCa", "cannot read " + f
        + "; give the PEM file of the CA that signs the ACME server's TLS certificate"));
    String account = r.text("/account").orElse("default");
    try {
      FileStore.checkName(account);
    } catch (IllegalArgumentException e) {
      r.problem("/account", e.getMessage().replace("lineage name", "account name"));
    }
    Optional<String> email = r.text("/email");
    email.filter(e -> !e.contains("@")).ifPresent(e -> r.problem("/email", "'" + e + "' is not an e-mail address"));
    boolean agreeTos = r.bool("/agreeTos").orElse(false);
    Optional<Eab> eab = eab(r);
    String challenge = r.text("/challenge").orElse("http-01");
    Http http = http(r);
    Optional<ObjectNode> dns = dns(r, challenge, domains, providers);
    List<String> servers = r.texts("/propagationServers");
    for (int i = 0; i < servers.size(); i++) {
      try {
        PropagationCheck.parseServer(servers.get(i));
      } catch (IllegalArgumentException e) {
        r.problem("/propagationServers/" + i, "'" + servers.get(i) + "' is not host[:port]");
      }
    }
    Duration timeout = r.duration("/propagationTimeout").orElse(DEFAULT_PROPAGATION_TIMEOUT);
    Optional<String> profile = r.text("/profile").filter(p -> !p.isBlank());
    if (!r.problems().isEmpty()) {
      return new Read(Optional.empty(), r.problems());
    }
    return new Read(Optional.of(new AcmeSettings(server.get(), serverCa, account, email, agreeTos, eab, challenge, http,
        dns, servers, timeout, profile)), List.of());
  }

  private static Optional<Eab> eab(BlockReader r) {
    if (!r.has("/eab")) {
      return Optional.empty();
    }
    r.unknownKeys("/eab", Set.of("keyId", "hmacKey"), "eab");
    Optional<String> kid = r.text("/eab/keyId");
    Optional<String> hmac = r.text("/eab/hmacKey");
    if (kid.isEmpty() || hmac.isEmpty()) {
      r.problem("/eab", "eab needs keyId and hmacKey (hmacKey by reference: ${env:EAB_HMAC_KEY}), both from the CA's dashboard");
      return Optional.empty();
    }
    if (!Secrets.isReference(hmac.get().strip())) {
      r.problem("/eab/hmacKey", "a secret must not be written here; reference it: hmacKey: ${env:EAB_HMAC_KEY} or "
          + "${file:/etc/certferry/eab.key}");
      return Optional.empty();
    }
    return Optional.of(new Eab(kid.get(), hmac.get().strip()));
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

  private static Optional<ObjectNode> dns(BlockReader r, String challenge, List<String> domains,
                                          ProviderRegistry providers) {
    boolean has = r.has("/dnsProvider");
    switch (challenge) {
      case "http-01" -> {
        List<String> wild = domains.stream().filter(d -> d.startsWith("*.")).toList();
        if (!wild.isEmpty()) {
          r.problem("/challenge", "wildcard names need dns-01; http-01 cannot prove " + wild);
        }
        if (has) {
          r.problem("/dnsProvider", "dnsProvider is only used with challenge: dns-01");
        }
        return Optional.empty();
      }
      case "dns-01" -> {
        if (!has) {
          r.problem("/challenge", "dns-01 needs a DNS provider (dnsProvider: {type: ..., settings} in the config, "
              + "--dns-provider TYPE --dns-set KEY=VALUE on the command line); installed: "
              + String.join(", ", providers.types(DnsProvider.class)));
          return Optional.empty();
        }
        JsonNode n = r.at("/dnsProvider");
        if (!n.isObject() || !n.path("type").isTextual()) {
          r.problem("/dnsProvider", "dnsProvider needs type: and its settings; installed: "
              + String.join(", ", providers.types(DnsProvider.class)));
          return Optional.empty();
        }
        String type = n.get("type").asText();
        Optional<ProviderFactory> f = providers.factory(DnsProvider.class, type);
        if (f.isEmpty()) {
          r.problem("/dnsProvider/type", "no installed provider registers DNS provider type '" + type + "'; installed: "
              + String.join(", ", providers.types(DnsProvider.class)));
          return Optional.empty();
        }
        f.get().validate(n).forEach(m -> r.problem("/dnsProvider", m));
        return Optional.of((ObjectNode) n);
      }
      default -> {
        r.problem("/challenge", "'" + challenge + "' is not a challenge type; choose " + String.join(" or ",
            new java.util.TreeSet<>(CHALLENGES)));
        return Optional.empty();
      }
    }
  }

  /** The directory URL of {@link #server()}. */
  public URI directory() { return AcmeDirectories.resolve(server); }

  /**
   * The issuer these settings describe: the account, EAB (the HMAC key resolved now, never kept), the
   * CA's extra trust, one challenge solver.
   *
   * @throws InputRejectedException when a file or secret the settings name cannot be read now
   */
  public AcmeIssuer issuer(IssuerContext ctx) throws InputRejectedException {
    AcmeIssuer.Builder b = AcmeIssuer.builder().directory(directory()).accountName(account)
        .email(email.orElse(null)).agreeToTermsOfService(agreeTos).store(ctx.store())
        .clock(ctx.clock()).sleeper(ctx.sleeper()).progress(ctx.progress()).sessions(ctx.acmeSessions());
    if (serverCa.isPresent()) {
      b.serverCa(CertificateReader.read(serverCa.get()));
    }
    if (eab.isPresent()) {
      try {
        b.externalAccountBinding(eab.get().keyId(), ctx.secrets().resolve(eab.get().hmacKeyReference()).strip());
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException("eab.hmacKey: " + e.getMessage());
      }
    }
    return b.solver(solver(ctx)).build();
  }

  private ChallengeSolver solver(IssuerContext ctx) throws InputRejectedException {
    if (challenge.equals("dns-01")) {
      ObjectNode settings = dnsProvider.orElseThrow();
      String type = settings.path("type").asText();
      ProviderFactory f = ctx.providers().factory(DnsProvider.class, type).orElseThrow(() ->
          new InputRejectedException("dnsProvider: no installed provider registers DNS provider type '" + type + "'"));
      DnsProvider provider;
      try {
        provider = (DnsProvider) f.create(settings, ctx.providerContext());
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException("dnsProvider " + type + ": " + e.getMessage());
      }
      PropagationCheck.Builder check = PropagationCheck.builder().clock(ctx.clock()).sleeper(ctx.sleeper())
          .timeout(propagationTimeout);
      if (!propagationServers.isEmpty()) {
        check.servers(propagationServers.stream().map(PropagationCheck::parseServer).toList());
      }
      return new Dns01Solver(provider, check.build());
    }
    if (http.webroot().isPresent()) {
      return new Http01WebrootSolver(http.webroot().get());
    }
    int port = http.port().orElse(80);
    return new Http01StandaloneSolver(http.address().map(a -> new InetSocketAddress(a, port))
        .orElseGet(() -> new InetSocketAddress(port)));
  }
}
