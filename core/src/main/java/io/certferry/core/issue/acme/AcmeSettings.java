package io.certferry.core.issue.acme;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;
import io.certferry.core.SettingProblem;
import io.certferry.core.internal.BlockReader;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.store.FileStore;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.IpAddresses;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
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
 *   profile: shortlived
 *   challenges: [dns-persist-01, dns-01]   # and their settings: see {@link ChallengeSettings}
 * </pre>
 *
 * @since 0.1
 */
public record AcmeSettings(String server, Optional<Path> serverCa, String account, Optional<String> email,
                           boolean agreeTos, Optional<Eab> eab, ChallengeSettings challenges,
                           Optional<String> profile) {
  /** The keys an ACME issuer block may hold besides the common ones. */
  public static final Set<String> KEYS = keys();
  /** The profile Let's Encrypt issues IP address certificates on. */
  static final String LETS_ENCRYPT_IP_PROFILE = "shortlived";

  private static Set<String> keys() {
    Set<String> k = new HashSet<>(Set.of("server", "serverCa", "account", "email", "agreeTos", "eab", "profile"));
    k.addAll(ChallengeSettings.KEYS);
    return Set.copyOf(k);
  }

  /**
   * External account binding: the key id and the HMAC key, by reference.
   *
   * @since 0.1
   */
  public record Eab(String keyId, String hmacKeyReference) {
    @Override
    public String toString() { return "Eab{keyId=" + keyId + "}"; }
  }

  /**
   * The settings or the problems of one block.
   *
   * @since 0.1
   */
  public record Read(Optional<AcmeSettings> settings, List<SettingProblem> problems) {}

  /**
   * Reads and checks an issuer block without touching the network or creating anything.
   *
   * @param domains the names the certificate covers (a wildcard needs a DNS challenge, an IP address
   *     http-01 or tls-alpn-01)
   * @param providers where the DNS provider's type is looked up and its settings checked
   * @since 0.1
   */
  public static Read read(JsonNode block, List<String> domains, ProviderRegistry providers) {
    BlockReader r = new BlockReader(block);
    Optional<String> server = r.text("/server");
    Optional<URI> directory = Optional.empty();
    if (server.isEmpty()) {
      r.problem("", "server is missing; give a CA name (letsencrypt, letsencrypt-staging, zerossl, sectigo-dv) or its directory URL");
    } else {
      try {
        directory = Optional.of(AcmeDirectories.resolve(server.get()));
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
    ChallengeSettings challenges = ChallengeSettings.read(r, domains, providers);
    Optional<String> profile = r.text("/profile").filter(p -> !p.isBlank());
    directory.ifPresent(d -> letsEncryptIps(r, d, domains, profile));
    if (!r.problems().isEmpty()) {
      return new Read(Optional.empty(), r.problems());
    }
    return new Read(Optional.of(new AcmeSettings(server.get(), serverCa, account, email, agreeTos, eab, challenges,
        profile)), List.of());
  }

  /** Let's Encrypt issues IP address certificates (RFC 8738) only on its short-lived profile. */
  private static void letsEncryptIps(BlockReader r, URI directory, List<String> domains, Optional<String> profile) {
    boolean letsEncrypt = directory.equals(AcmeDirectories.KNOWN.get("letsencrypt"))
        || directory.equals(AcmeDirectories.KNOWN.get("letsencrypt-staging"));
    List<String> ips = domains.stream().filter(IpAddresses::isLiteral).toList();
    if (letsEncrypt && !ips.isEmpty() && !profile.equals(Optional.of(LETS_ENCRYPT_IP_PROFILE))) {
      r.problem(profile.isPresent() ? "/profile" : "", "Let's Encrypt issues certificates for IP addresses ("
          + String.join(", ", ips) + ") only on the shortlived profile (6-day certificates); set profile: shortlived"
          + profile.map(p -> " instead of " + p).orElse(""));
    }
  }

  private static Optional<Eab> eab(BlockReader r) {    if (!r.has("/eab")) {
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

  /**
   * The directory URL of {@link #server()}.
   *
   * @since 0.1
   */
  public URI directory() { return AcmeDirectories.resolve(server); }

  /**
   * The issuer these settings describe: the account, EAB (the HMAC key resolved now, never kept), the
   * CA's extra trust, a challenge solver per configured type in preference order.
   *
   * @throws InputRejectedException when a file or secret the settings name cannot be read now
   * @since 0.1
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
    return b.solvers(challenges.solvers(ctx)).build();
  }
}
