package io.certferry.core.issue.local;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.KeyType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A certificate authority kept in the store that signs certificates for any names instantly: the
 * quick start's issuer, for development and for internal names. The root (EC P-256 by default,
 * ten years, path length 0, optionally name-constrained) is created on first use; export it with
 * {@link #root()} so browsers and clients can trust it. Leaves carry the requested names as
 * subject alternative names (DNS names, wildcards, IP addresses), the serverAuth extended key
 * usage and key identifiers, and are valid for 90 days unless configured otherwise.
 *
 * <p>Signing uses the JDK's providers through Bouncy Castle's lightweight builders; Bouncy Castle
 * is never registered as a JCA provider (that alone costs over a second of start-up).
 *
 * <pre>
 * LocalCaIssuer ca = LocalCaIssuer.builder(store).lifetime(Duration.ofDays(30)).create();
 * IssuedCertificate c = ca.issue(IssueRequest.of("dev", List.of("app.test"), KeyType.EC_P256));
 * </pre>
 *
 * @since 0.1
 */
public final class LocalCaIssuer implements Issuer {
  /** The source recorded with certificates this issuer signs. */
  public static final String SOURCE = "local";
  /** Leaf lifetime unless configured. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
  /** Root lifetime. */
  public static final Duration ROOT_LIFETIME = Duration.ofDays(3650);

  /** The store lock name held while the root is created. */
  static final String CREATION_LOCK = "local-ca";

  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final CertificateStore store;
  private final Clock clock;
  private final Duration lifetime;
  private final KeyType rootKeyType;
  private final String hostName;
  private final List<String> permittedDomains;

  private LocalCaIssuer(Builder b) {
    this.store = b.store;
    this.clock = b.clock;
    this.lifetime = b.lifetime;
    this.rootKeyType = b.rootKeyType;
    this.hostName = b.hostName == null ? localHostName() : b.hostName;
    this.permittedDomains = List.copyOf(b.permittedDomains);
  }

  /**
   * A builder for an issuer whose root lives in {@code store}.
   *
   * @since 0.1
   */
  public static Builder builder(CertificateStore store) { return new Builder(store); }

  @Override
  public String source() { return SOURCE; }

  /**
   * The root certificate, created and saved now if the store has none.
   *
   * @since 0.1
   */
  public synchronized Root root() {
    Optional<LocalCaMaterial> existing = store.localCa();
    if (existing.isPresent()) {
      return new Root(existing.get().certificate(), false);
    }
    // Two processes (the agent and a CLI call) must not each create a root: the loser's leaves
    // would chain to a root nobody can export. The store's lock serialises creation across processes.
    try (CertificateStore.Lock ignored = store.lock(CREATION_LOCK)) {
      existing = store.localCa();
      if (existing.isPresent()) {
        return new Root(existing.get().certificate(), false);
      }
      String name = "Certferry Local CA " + hostName + " " + DAY.format(clock.instant());
      LocalCaMaterial created = LocalCaCertificates.root(name, rootKeyType, clock.instant(), ROOT_LIFETIME,
          permittedDomains);
      store.saveLocalCa(created);
      return new Root(created.certificate(), true);
    }
  }

  @Override
  public IssuedCertificate issue(IssueRequest request) throws IssueException {
    List<SubjectNames.Name> names = SubjectNames.parse(request.domains());
    LocalCaMaterial ca = material();
    for (SubjectNames.Name n : names) {
      if (!SubjectNames.permitted(n, permittedOf(ca))) {
        throw new IssueException(IssueException.Kind.LOCAL, "local CA: " + request.lineage() + ": '" + n.text() + "' is outside the names the local CA"
            + " may sign (" + String.join(", ", permittedOf(ca)) + "); drop the name or use another issuer");
      }
    }
    KeyPair keys = request.reuseKey().orElseGet(() -> request.keyType().generate());
    Instant now = clock.instant();
    Instant notAfter = min(now.plus(lifetime), ca.certificate().getNotAfter().toInstant());
    X509Certificate leaf = LocalCaCertificates.leaf(ca, names, keys.getPublic(), now, notAfter);
    CertificateBundle bundle = CertificateBundle.of(leaf, List.of(), keys.getPrivate());
    return new IssuedCertificate(bundle, Map.of("localCa", Fingerprints.sha256(ca.certificate())));
  }

  private synchronized LocalCaMaterial material() {
    root();
    return store.localCa().orElseThrow(() -> new IllegalStateException("the store did not keep the local CA it saved"));
  }

  private static List<String> permittedOf(LocalCaMaterial ca) { return LocalCaCertificates.permittedDomains(ca.certificate()); }

  private static Instant min(Instant a, Instant b) { return a.isBefore(b) ? a : b; }

  /** The host name for the root's name, without a DNS lookup (which can stall for seconds). */
  private static String localHostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    try {
      String file = Files.readString(Path.of("/etc/hostname")).trim();
      if (!file.isEmpty()) {
        return file;
      }
    } catch (Exception ignored) {
      // No /etc/hostname (macOS, Windows): fall through.
    }
    return "localhost";
  }

  /**
   * The root certificate and whether this call created it.
   *
   * @since 0.1
   */
  public record Root(X509Certificate certificate, boolean created) {}

  /**
   * Builds a {@link LocalCaIssuer}.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final CertificateStore store;
    private Clock clock = Clock.systemUTC();
    private Duration lifetime = DEFAULT_LIFETIME;
    private KeyType rootKeyType = KeyType.EC_P256;
    private String hostName;
    private List<String> permittedDomains = List.of();

    private Builder(CertificateStore store) { this.store = Objects.requireNonNull(store, "store"); }

    /**
     * The clock certificates are dated by (default: the system clock, UTC).
     *
     * @since 0.1
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Leaf lifetime (90 days by default); never beyond the root's expiry.
     *
     * @since 0.1
     */
    public Builder lifetime(Duration lifetime) {
      if (lifetime.isNegative() || lifetime.compareTo(Duration.ofMinutes(5)) < 0) {
        throw new IllegalArgumentException("local CA lifetime must be at least 5 minutes, got " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /**
     * Key type of a root created by this issuer: {@code ec-p256} (default) or {@code ec-p384}.
     *
     * @since 0.1
     */
    public Builder rootKeyType(KeyType type) {
      if (!type.isEc()) {
        throw new IllegalArgumentException("the local CA's root key must be ec-p256 or ec-p384, got " + type);
      }
      this.rootKeyType = type;
      return this;
    }

    /**
     * The host named in a created root's subject; the machine's host name by default.
     *
     * @since 0.1
     */
    public Builder hostName(String hostName) {
      this.hostName = Objects.requireNonNull(hostName, "hostName");
      return this;
    }

    /**
     * Restricts a created root to these DNS domains and their subdomains (a critical name
     * constraint), so trusting the root cannot be abused for other sites. Empty: unrestricted.
     *
     * @since 0.1
     */
    public Builder permittedDomains(List<String> domains) {
      this.permittedDomains = List.copyOf(domains);
      return this;
    }

    /**
     * The issuer; the root is created on first use.
     *
     * @since 0.1
     */
    public LocalCaIssuer create() { return new LocalCaIssuer(this); }
  }
}
