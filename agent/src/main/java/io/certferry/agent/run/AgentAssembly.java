package io.certferry.agent.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ProviderContext;
import io.certferry.core.ProviderFactory;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.dns.DnsProvider;
import io.certferry.core.dns.PropagationCheck;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.Dns01Solver;
import io.certferry.core.issue.acme.Http01StandaloneSolver;
import io.certferry.core.issue.acme.Http01WebrootSolver;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.x509.CertificateReader;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns a validated {@link AgentConfig} into a running {@link CertManager}: issuers, targets, notifiers, metrics. */
public final class AgentAssembly {
  private AgentAssembly() {}

  /**
   * Builds the manager.
   *
   * @param listeners extra event listeners (metrics, logs)
   * @throws IllegalArgumentException when a provider refuses its settings (a secret vanished since validation)
   */
  public static CertManager build(AgentConfig config, ConfigLoader providers, CertificateStore store, Secrets secrets,
                                  Clock clock, List<Notifier> listeners) {
    CertManager.Builder b = CertManager.builder().store(store).clock(clock)
        .parallelism(config.schedule().parallelism())
        .maxInterval(config.schedule().maxInterval())
        .alertPolicy(AlertPolicy.of(config.alerts().levels(), config.alerts().failureThreshold()))
        .renewalTiming(io.certferry.core.RenewalTiming.plannedOn(clock, ariSources(config, clock)));
    listeners.forEach(b::listener);
    ProviderContext context = ProviderContext.defaults(secrets);
    for (AgentConfig.Block n : config.notifications()) {
      b.notifier((Notifier) factory(providers, Notifier.class, n.type()).create(n.settings(), context));
    }
    for (AgentConfig.CertificateConfig c : config.certificates()) {
      List<DeployTarget> targets = targets(c, providers, secrets);
      ManagedCertificate mc = new ManagedCertificate(c.name(), c.domains(), c.source(), c.keyType(), c.options(),
          targets, Optional.empty());
      switch (c.source()) {
        case "local" -> {
          LocalCaIssuer.Builder lb = LocalCaIssuer.builder(store).clock(clock);
          if (c.options().containsKey("lifetime")) {
            lb.lifetime(io.certferry.core.Durations.parse(c.options().get("lifetime")));
          }
          mc = mc.withIssuer(lb.create());
        }
        case "acme" -> mc = mc.withIssuer(acme(c.issuer(), providers, store, secrets, clock));
        default -> { }
      }
      b.certificate(mc);
    }
    return b.build();
  }

  /** Creates a certificate's targets through their providers. */
  public static List<DeployTarget> targets(AgentConfig.CertificateConfig c, ConfigLoader providers, Secrets secrets) {
    ProviderContext context = ProviderContext.defaults(secrets);
    List<DeployTarget> targets = new ArrayList<>();
    for (AgentConfig.TargetConfig t : c.targets()) {
      ObjectNode settings = t.settings().deepCopy();
      if (t.type().equals("directory") || t.type().equals("exec")) {
        settings.put("certificate", c.name()); // built-in targets tell hooks which certificate this is
      }
      targets.add((DeployTarget) factory(providers, DeployTarget.class, t.type()).create(settings, context));
    }
    return targets;
  }

  /**
   * The CA's renewal information (ARI) for each ACME certificate: the directory's renewalInfo URL is
   * looked up on first use and kept; a CA without ARI, or one that cannot be reached, leaves the
   * lifetime rule in charge (and is asked again next pass).
   */
  static java.util.function.Function<io.certferry.core.store.LineageSpec, Optional<io.certferry.core.renew.RenewalInfoSource>>
      ariSources(AgentConfig config, Clock clock) {
    java.util.Map<String, java.util.function.Supplier<Optional<io.certferry.core.renew.RenewalInfoSource>>> byName =
        new java.util.HashMap<>();
    for (AgentConfig.CertificateConfig c : config.certificates()) {
      if (c.source().equals("acme")) {
        byName.put(c.name(), new AriLookup(c.issuer(), clock));
      }
    }
    return spec -> byName.getOrDefault(spec.name(), Optional::empty).get();
  }

  private static final class AriLookup implements java.util.function.Supplier<Optional<io.certferry.core.renew.RenewalInfoSource>> {
    private final JsonNode issuer;
    private final Clock clock;
    private Optional<io.certferry.core.renew.RenewalInfoSource> found;

    AriLookup(JsonNode issuer, Clock clock) {
      this.issuer = issuer;
      this.clock = clock;
    }

    @Override
    public synchronized Optional<io.certferry.core.renew.RenewalInfoSource> get() {
      if (found != null) {
        return found;
      }
      try {
        io.certferry.core.renew.AriClient.Builder b = io.certferry.core.renew.AriClient.builder().clock(clock);
        if (issuer.hasNonNull("serverCa")) {
          b.extraTrustAnchors(CertificateReader.read(Path.of(issuer.get("serverCa").asText())));
        }
        io.certferry.core.renew.AriClient client = b.build();
        found = client.renewalInfoUrl(AcmeDirectories.resolve(issuer.path("server").asText())).map(client::source);
        return found;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (Exception e) {
        return Optional.empty(); // asked again next pass; the lifetime rule holds meanwhile
      }
    }
  }

  private static ProviderFactory factory(ConfigLoader providers, Class<?> kind, String type) {
    return providers.factory(kind, type)
        .orElseThrow(() -> new IllegalArgumentException("no installed provider registers " + type));
  }

  static Issuer acme(JsonNode n, ConfigLoader providers, CertificateStore store, Secrets secrets, Clock clock) {
    AcmeIssuer.Builder a = AcmeIssuer.builder().store(store).clock(clock)
        .directory(AcmeDirectories.resolve(n.path("server").asText()))
        .accountName(n.path("account").asText("default"))
        .agreeToTermsOfService(n.path("agreeTos").asBoolean(false));
    if (n.hasNonNull("email")) {
      a.email(n.get("email").asText());
    }
    if (n.has("eab")) {
      a.externalAccountBinding(n.at("/eab/keyId").asText(), secrets.resolve(n.at("/eab/hmacKey").asText()));
    }
    if (n.hasNonNull("serverCa")) {
      try {
        a.serverCa(CertificateReader.read(Path.of(n.get("serverCa").asText())));
      } catch (InputRejectedException e) {
        throw new IllegalArgumentException("serverCa: " + e.getMessage(), e);
      }
    }
    if (n.path("challenge").asText("http-01").equals("dns-01")) {
      JsonNode dns = n.get("dnsProvider");
      DnsProvider provider = (DnsProvider) factory(providers, DnsProvider.class, dns.path("type").asText())
          .create(dns, ProviderContext.defaults(secrets));
      PropagationCheck.Builder check = PropagationCheck.builder().clock(clock);
      if (n.has("propagationServers")) {
        List<InetSocketAddress> servers = new ArrayList<>();
        n.get("propagationServers").forEach(s -> servers.add(PropagationCheck.parseServer(s.asText())));
        check.servers(servers);
      }
      a.solver(new Dns01Solver(provider, check.build()));
    } else if (n.at("/http/webroot").isTextual()) {
      a.solver(new Http01WebrootSolver(Path.of(n.at("/http/webroot").asText())));
    } else {
      a.solver(new Http01StandaloneSolver(new InetSocketAddress(n.at("/http/address").asText("0.0.0.0"),
          n.at("/http/port").asInt(80))));
    }
    return a.build();
  }
}
