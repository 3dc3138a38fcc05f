package io.certferry.agent.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.Environment;
import io.certferry.agent.config.AgentConfig;
import io.certferry.core.CertManager;
import io.certferry.core.CertManagerBuilder;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.ProviderFactory;
import io.certferry.core.WatchedEndpoint;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.internal.LegacySpecs;
import io.certferry.core.issue.acme.AcmeSessions;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.x509.KeyType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns a validated {@link AgentConfig}, or the specs a store keeps, into the one engine: a
 * {@link CertManager} with each certificate's issuer (from its {@code issuer:} block, the same typed
 * settings whatever the door), targets, the notifiers and the watched endpoints.
 */
public final class AgentAssembly {
  private AgentAssembly() {}

  /**
   * The manager of an agent config.
   *
   * @param listeners event listeners (metrics, logs)
   * @param progress receives the issuers' progress lines, prefixed with the certificate's name
   * @throws InputRejectedException when a provider refuses its settings or a secret or file they name
   *     cannot be read (it vanished since validation)
   */
  public static CertManager build(AgentConfig config, CertificateStore store, Environment env,
                                  List<Notifier> listeners, Consumer<String> progress) throws InputRejectedException {
    return build(config, store, env, listeners, progress, Optional::empty);
  }

  /**
   * The manager of an agent config that works only while {@code permit} allows (a fleet agent: while it leads).
   *
   * @see CertManagerBuilder#workPermit
   */
  public static CertManager build(AgentConfig config, CertificateStore store, Environment env, List<Notifier> listeners,
                                  Consumer<String> progress, Supplier<Optional<String>> permit)
      throws InputRejectedException {
    CertManagerBuilder b = CertManager.builder().store(store).clock(env.clock()).workPermit(permit)
        .parallelism(config.schedule().parallelism())
        .maxInterval(config.schedule().maxInterval())
        .targetTimeout(config.schedule().targetTimeout())
        .alertPolicy(AlertPolicy.of(config.alerts().levels(), config.alerts().failureThreshold()))
        .tlsProbe(env.providerContext().tlsProbe());
    listeners.forEach(b::listener);
    config.watch().forEach(w -> b.watch(new WatchedEndpoint(w.name(), w.host(), w.port(), w.serverName())));
    for (AgentConfig.Block n : config.notifications()) {
      b.notifier((Notifier) create(env, Notifier.class, n.type(), n.settings(), "notifier " + n.type()));
    }
    // One issuer per certificate, one set of ACME sessions for all: each CA's directory, connection and
    // nonce are then had once, not once per certificate.
    AcmeSessions sessions = new AcmeSessions();
    for (AgentConfig.CertificateConfig c : config.certificates()) {
      ManagedCertificate.Builder mc = managed(c.name(), c.domains(), c.issuer(), targets(c, env), store, env, progress,
          sessions);
      continuity(mc, c, store, env, progress, sessions);
      b.certificate(mc.build());
    }
    return b.build();
  }

  /** Adds a configured certificate's fallback issuers, maintenance windows and own alert levels. */
  private static void continuity(ManagedCertificate.Builder mc, AgentConfig.CertificateConfig c, CertificateStore store,
                                 Environment env, Consumer<String> progress, AcmeSessions sessions)
      throws InputRejectedException {
    AgentConfig.Continuity cont = c.continuity();
    List<Issuer> fallbacks = new ArrayList<>();
    for (int i = 0; i < cont.fallbacks().size(); i++) {
      IssuerSettings s = IssuerSettings.read(cont.fallbacks().get(i), c.domains(), env.providers())
          .orThrow(c.name() + ": fallback " + (i + 1));
      s.create(context(c.name(), store, env, progress, sessions)).ifPresent(fallbacks::add);
    }
    mc.fallbacks(fallbacks).fallbackAfter(cont.fallbackAfter());
    if (!cont.windows().isEmpty()) {
      mc.windows(ManagedCertificate.ALL_TARGETS, windows(cont.windows()));
    }
    for (AgentConfig.TargetConfig t : c.targets()) {
      if (!t.windows().isEmpty()) {
        mc.windows(t.id(), windows(t.windows()));
      }
    }
    if (!cont.alertLevels().isEmpty()) {
      Map<String, String> options = new LinkedHashMap<>(c.options());
      options.put(ManagedCertificate.ALERT_LEVELS,
          cont.alertLevels().stream().map(String::valueOf).collect(Collectors.joining(",")));
      mc.options(options);
    }
  }

  private static List<DeployWindow> windows(List<String> texts) {
    return texts.stream().map(DeployWindow::parse).toList();
  }

  /**
   * The manager of lineages as the store keeps them (their {@code spec.json}), for the CLI without a
   * config: no targets, issuers rebuilt from each spec's issuer block.
   */
  public static CertManager fromStore(CertificateStore store, List<String> names, Environment env,
                                      List<Notifier> listeners, Consumer<String> progress,
                                      BiConsumer<String, InputRejectedException> broken) {
    CertManagerBuilder b = CertManager.builder().store(store).clock(env.clock()).parallelism(1);
    listeners.forEach(b::listener);
    AcmeSessions sessions = new AcmeSessions();
    for (String name : names) {
      try {
        LineageSpec spec = store.spec(name).orElseThrow(() -> new InputRejectedException("lineage '" + name
            + "' has no spec.json, so nothing says how to renew it; set it up again with `certferry issue` or `certferry csr`"));
        b.certificate(fromSpec(spec, store, env, progress, sessions));
      } catch (InputRejectedException e) {
        broken.accept(name, e);
      }
    }
    return b.build();
  }

  /**
   * One lineage from its spec: its issuer block (or the one an older spec's flat options describe), or,
   * for an imported lineage, what the spec says.
   */
  public static ManagedCertificate fromSpec(LineageSpec spec, CertificateStore store, Environment env,
                                            Consumer<String> progress) throws InputRejectedException {
    return fromSpec(spec, store, env, progress, new AcmeSessions());
  }

  private static ManagedCertificate fromSpec(LineageSpec spec, CertificateStore store, Environment env,
                                             Consumer<String> progress, AcmeSessions sessions) throws InputRejectedException {
    Optional<ObjectNode> block = LegacySpecs.block(spec);
    if (block.isPresent()) {
      return managed(spec.name(), spec.domains(), block.get(), List.of(), store, env, progress, sessions).build();
    }
    return ManagedCertificate.builder(spec.name(), spec.domains(), spec.source())
        .keyType(KeyType.parse(spec.keyType()).orElse(null)).options(spec.options()).build();
  }

  /** One certificate from its issuer block, without targets (the CLI's {@code issue}). */
  public static ManagedCertificate fromBlock(String name, List<String> domains, ObjectNode block, CertificateStore store,
                                             Environment env, Consumer<String> progress) throws InputRejectedException {
    return managed(name, domains, block, List.of(), store, env, progress, new AcmeSessions()).build();
  }

  private static ManagedCertificate.Builder managed(String name, List<String> domains, ObjectNode block, List<DeployTarget> targets,
                                    CertificateStore store, Environment env, Consumer<String> progress,
                                    AcmeSessions sessions) throws InputRejectedException {
    IssuerSettings s = IssuerSettings.read(block, domains, env.providers()).orThrow(name + ": issuer");
    ManagedCertificate.Builder b = ManagedCertificate.builder(name, domains, s.source()).keyType(s.keyType())
        .options(s.options()).targets(targets).issuerSettings(s.block());
    s.create(context(name, store, env, progress, sessions)).ifPresent(b::issuer);
    return b;
  }

  private static IssuerContext context(String name, CertificateStore store, Environment env, Consumer<String> progress,
                                       AcmeSessions sessions) {
    return new IssuerContext(store, env.secrets(), env.clock(), env.sleeper(),
        line -> progress.accept(name + ": " + line), env.providers(), env.providerContext(), sessions);
  }

  /** Creates a certificate's targets through their providers. */
  public static List<DeployTarget> targets(AgentConfig.CertificateConfig c, Environment env) throws InputRejectedException {
    List<DeployTarget> targets = new ArrayList<>();
    for (AgentConfig.TargetConfig t : c.targets()) {
      ObjectNode settings = t.settings().deepCopy();
      if (t.type().equals("directory") || t.type().equals("exec")) {
        settings.put("certificate", c.name()); // built-in targets tell hooks which certificate this is
      }
      targets.add((DeployTarget) create(env, DeployTarget.class, t.type(), settings, "target " + t.id()));
    }
    return targets;
  }

  private static Object create(Environment env, Class<?> kind, String type, ObjectNode settings, String what)
      throws InputRejectedException {
    ProviderFactory f = env.providers().factory(kind, type)
        .orElseThrow(() -> new InputRejectedException(what + ": no installed provider registers " + type));
    try {
      // Providers run on the system clock as before; the agent's own clock may be a test's frozen one.
      return f.create(settings, env.providerContext());
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException(what + ": " + e.getMessage(), e);
    }
  }
}
