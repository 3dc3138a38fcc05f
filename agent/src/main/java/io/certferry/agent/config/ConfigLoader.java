package io.certferry.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.ProviderFactory;
import io.certferry.core.ProviderRegistry;
import io.certferry.core.Secrets;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads and validates the agent's YAML config as a whole: every problem is collected with its line
 * and column (unknown keys, bad values and durations, target and provider types nobody registers,
 * names a target needs that its certificate lacks, literal secrets, secrets that cannot be resolved)
 * and reported at once. Nothing is created or contacted (the listen host is resolved, as binding it would).
 *
 * <p>Each top-level section has its own validator ({@code StoreSection} through the store factory's own validation,
 * {@code ScheduleSection}, {@code HttpSection}, {@code AlertsSection}, {@code NotificationsSection}, {@code CertificatesSection}
 * with {@code IssuerSection} (core's typed IssuerSettings), {@code ContinuitySection} and {@code TargetsSection},
 * {@code WatchSection}, then
 * {@code SecretReferences} over the whole tree); this class reads the file and runs them in order.
 */
public final class ConfigLoader {
  private static final Set<String> TOP = Set.of("store", "schedule", "http", "alerts", "notifications", "certificates",
      "watch");

  private final ProviderRegistry providers;
  private final Secrets secrets;

  private ConfigLoader(ProviderRegistry providers, Secrets secrets) {
    this.providers = providers;
    this.secrets = secrets;
  }

  /** A loader using every {@link ProviderFactory} on the class path and {@code secrets} to check references. */
  public static ConfigLoader withInstalledProviders(Secrets secrets) {
    return with(ProviderRegistry.installed(), secrets);
  }

  /** A loader checking provider blocks against {@code providers} and references with {@code secrets}. */
  public static ConfigLoader with(ProviderRegistry providers, Secrets secrets) {
    return new ConfigLoader(providers, secrets);
  }

  /**
   * A problem found after loading (against a CA's directory, say), placed at the setting {@code pointer}
   * names in {@code file}, or at the file's start when the file cannot be read again now.
   */
  public static ConfigProblem locate(Path file, String pointer, String message) {
    LocatedYaml.Position at;
    try {
      at = LocatedYaml.parse(ConfigText.read(file)).valueAt(pointer);
    } catch (ConfigException e) {
      at = new LocatedYaml.Position(1, 1);
    }
    return new ConfigProblem(at.line(), at.column(), ConfigProblem.display(pointer), message);
  }

  /**
   * Reads and validates {@code file}.
   *
   * @throws ConfigException with every problem found, sorted by place
   */
  public AgentConfig load(Path file) throws ConfigException {
    LocatedYaml doc = LocatedYaml.parse(ConfigText.read(file));
    Problems problems = new Problems(doc);
    JsonNode root = doc.root();
    if (!root.isObject()) {
      problems.error("", "the config must be a mapping with certificates: and optional store:, schedule:, http:, alerts:, "
          + "notifications:, watch:");
      throw problems.failure();
    }
    problems.unknownKeys("", root, TOP);
    Values values = new Values(problems);
    ProviderBlocks blocks = new ProviderBlocks(providers, problems, values);
    AgentConfig.Block store = new StoreSection(problems, values, blocks).check(root.get("store")).orElse(null);
    Path folder = store != null && store.type().equals("file") && store.settings().hasNonNull("path")
        ? Path.of(store.settings().get("path").asText().trim()) : null;
    AgentConfig.Schedule schedule = new ScheduleSection(problems, values).check(root.path("schedule"));
    AgentConfig.Http http = new HttpSection(problems, values).check(root.path("http"));
    AgentConfig.Alerts alerts = new AlertsSection(problems, values).check(root.path("alerts"));
    List<AgentConfig.Block> notifications = new NotificationsSection(problems, blocks).check(root.get("notifications"));
    IssuerSection issuers = new IssuerSection(problems, blocks, providers);
    List<AgentConfig.CertificateConfig> certificates = new CertificatesSection(problems, values, issuers,
        new TargetsSection(problems, blocks)).check(root.get("certificates"));
    List<AgentConfig.Watch> watch = new WatchSection(problems, values).check(root.get("watch"),
        certificates.stream().map(AgentConfig.CertificateConfig::name).collect(Collectors.toSet()));
    new SecretReferences(problems, secrets).check("", root);
    if (problems.hasErrors()) {
      throw problems.failure();
    }
    return new AgentConfig(file, folder, store, schedule, http, alerts, notifications, certificates, watch,
        problems.warnings());
  }
}
