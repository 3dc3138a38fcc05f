package io.certferry.core.doctor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertManager;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.issue.acme.ChallengeSettings;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.x509.CertificateReader;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Resolver;

/**
 * The checks of everything a {@link CertManager} keeps: the CA of each ACME issuer, each name in the DNS (CAA,
 * dns-01's zone and servers, DNSSEC), each target that can check itself ({@link Diagnosable}). Each CA's directory
 * is read once however many checks need it. Building the checks contacts nothing; running them only reads.
 *
 * @since 0.1
 */
public final class DoctorChecks {
  private final Options options;
  private final Map<URI, CompletableFuture<AcmeDirectory>> directories = new ConcurrentHashMap<>();

  private DoctorChecks(Options options) {
    this.options = options;
  }

  /**
   * The checks of every certificate of {@code manager}, in the order: CAs, names, targets.
   *
   * @since 0.1
   */
  public static List<Check> of(CertManager manager, Options options) {
    return new DoctorChecks(options).all(manager.certificates(), manager.store());
  }

  private List<Check> all(List<ManagedCertificate> certificates, CertificateStore store) {
    Map<String, Check> cas = new LinkedHashMap<>();
    Map<String, Check> names = new LinkedHashMap<>();
    List<Check> targets = new ArrayList<>();
    for (ManagedCertificate mc : certificates) {
      acme(mc).ifPresent(s -> {
        String key = s.directory() + "|" + s.agreeTos() + "|" + s.eab().map(AcmeSettings.Eab::keyId).orElse("") + "|"
            + s.profile().orElse("");
        List<String> types = s.challenges().types();
        cas.computeIfAbsent(key, k -> new AcmeCaCheck(s, directory(s), options.clock));
        for (String d : mc.domains()) {
          names.computeIfAbsent(d + "|" + types + "|" + s.directory() + "|" + s.account(), k -> nameCheck(d, s, store));
        }
      });
      for (DeployTarget t : mc.targets()) {
        targets.add(target(mc, t));
      }
    }
    List<Check> out = new ArrayList<>(cas.values());
    out.addAll(names.values());
    out.addAll(targets);
    return out;
  }

  private Optional<AcmeSettings> acme(ManagedCertificate mc) {
    Optional<ObjectNode> block = mc.issuerSettings();
    if (block.isEmpty()) {
      return Optional.empty();
    }
    return IssuerSettings.read(block.get(), mc.domains(), options.context.providers()).settings()
        .flatMap(IssuerSettings::acme);
  }

  private Check nameCheck(String domain, AcmeSettings s, CertificateStore store) {
    Optional<PropagationCheck> servers = Optional.empty();
    Optional<ZoneDiagnosable> zone = Optional.empty();
    ChallengeSettings c = s.challenges();
    if (c.types().stream().anyMatch(ChallengeSettings.DNS_TYPES::contains)) {
      PropagationCheck.Builder b = PropagationCheck.builder().lookupResolver(options.resolver())
          .nameServerPort(options.nameServerPort).queryTimeout(options.dnsTimeout);
      if (!c.propagationServers().isEmpty()) {
        b.servers(c.propagationServers().stream().map(PropagationCheck::parseServer).toList());
      }
      servers = Optional.of(b.build());
      zone = c.dnsProvider().flatMap(this::dnsProvider);
    }
    NameCheck names = new NameCheck(domain, c.types(), directory(s),
        () -> store.account(s.directory(), s.account()).map(a -> a.accountUrl().toString()), options.resolver(), servers,
        options.clock);
    if (zone.isEmpty()) {
      return names;
    }
    ZoneDiagnosable z = zone.get();
    String fqdn = "_acme-challenge." + (domain.startsWith("*.") ? domain.substring(2) : domain);
    return Check.of(names.name(), () -> {
      List<CheckResult> out = new ArrayList<>(names.run());
      out.addAll(z.diagnoseZone(names.name(), fqdn));
      return out;
    });
  }

  private Optional<ZoneDiagnosable> dnsProvider(ObjectNode settings) {
    Optional<ProviderFactory> f = options.context.providers().factory(DnsProvider.class, settings.path("type").asText());
    return f.map(x -> x.create(settings, options.context)).filter(ZoneDiagnosable.class::isInstance)
        .map(ZoneDiagnosable.class::cast);
  }

  private static Check target(ManagedCertificate mc, DeployTarget t) {
    String name = "target " + t.id();
    if (t instanceof Diagnosable d) {
      return Check.of(name, () -> d.diagnose(mc.domains()));
    }
    return Check.of(name, () -> List.of(CheckResult.ok(name, "checks", "this kind of target (" + t.getClass().getSimpleName()
        + ", certificate " + mc.name() + ") has nothing to check before its first deploy")));
  }

  /** The CA's directory, read at most once per URL for all checks of this run. */
  private Callable<AcmeDirectory> directory(AcmeSettings s) {
    return () -> {
      CompletableFuture<AcmeDirectory> f = directories.computeIfAbsent(s.directory(), u ->
          CompletableFuture.supplyAsync(() -> {
            try {
              return AcmeDirectory.read(u, serverCa(s), options.httpTimeout);
            } catch (Exception e) {
              throw new CompletionException(e);
            }
          }, Runnable::run));
      try {
        return f.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
            ? e.getCause().getCause() : e.getCause();
        throw c instanceof Exception ex ? ex : new IllegalStateException(c);
      }
    };
  }

  private static List<X509Certificate> serverCa(AcmeSettings s) throws Exception {
    return s.serverCa().isPresent() ? CertificateReader.read(s.serverCa().get()) : List.of();
  }

  /**
   * Where and how the checks look.
   *
   * @since 0.1
   */
  public static final class Options {
    private final ProviderContext context;
    private Clock clock = Clock.systemUTC();
    private Resolver resolver;
    private int nameServerPort = 53;
    private Duration httpTimeout = Duration.ofSeconds(10);
    private Duration dnsTimeout = Duration.ofSeconds(3);

    private Options(ProviderContext context) {
      this.context = Objects.requireNonNull(context, "context");
    }

    private Resolver resolver() {
      if (resolver == null) {
        resolver = new ExtendedResolver(); // the system's, read only when no test gave one
      }
      return resolver;
    }

    /**
     * Options with the providers of {@code context} (DNS providers for dns-01's zone check) and the system resolver.
     *
     * @since 0.1
     */
    public static Options of(ProviderContext context) { return new Options(context); }

    /**
     * The clock compared with the CA's {@code Date} header (default: the system clock).
     *
     * @since 0.1
     */
    public Options clock(Clock clock) { this.clock = Objects.requireNonNull(clock); return this; }

    /**
     * The recursive resolver CAA, NS and DNSSEC questions go to (default: the system's).
     *
     * @since 0.1
     */
    public Options resolver(Resolver resolver) { this.resolver = Objects.requireNonNull(resolver); return this; }

    /**
     * The port the zones' name servers answer on (default 53; tests use a free one).
     *
     * @since 0.1
     */
    public Options nameServerPort(int port) { this.nameServerPort = port; return this; }

    /**
     * How long one HTTP request may take (default 10 s).
     *
     * @since 0.1
     */
    public Options httpTimeout(Duration timeout) { this.httpTimeout = Objects.requireNonNull(timeout); return this; }

    /**
     * How long one DNS query to an authoritative server may take (default 3 s).
     *
     * @since 0.1
     */
    public Options dnsTimeout(Duration timeout) { this.dnsTimeout = Objects.requireNonNull(timeout); return this; }
  }

}
