package io.certferry.agent.run;

import io.certferry.agent.cli.ExitCodes;
import io.certferry.agent.cli.GlobalOptions;
import io.certferry.agent.config.AgentConfig;
import io.certferry.agent.config.ConfigLoader;
import io.certferry.core.CertificateBundle;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.Secrets;
import io.certferry.core.deploy.DeployOutcome;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Deployer;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code certferry deploy N --config F [--target ID]...}: puts certificate N's current version on its
 * targets now (failed ones too, whatever their backoff), verifies and records, like one agent step.
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
    description = "Deploy a certificate's current version to its targets now (targets from the agent config); "
        + "exit 0 when every selected target serves it.")
public final class DeployCommand implements Callable<Integer> {
  @Mixin
  GlobalOptions global;

  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The certificate's name in the config.")
  String name;

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML config (for the targets).")
  Path config;

  @Option(names = "--target", paramLabel = "ID", description = "Only this target (repeatable); default: all of the certificate's.")
  List<String> only = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Secrets secrets = ReferenceSecrets.system();
    Optional<AgentConfig> loaded = CheckConfigCommand.load(config, secrets, err);
    if (loaded.isEmpty()) {
      return ExitCodes.USAGE;
    }
    Optional<AgentConfig.CertificateConfig> cert = loaded.get().certificates().stream()
        .filter(c -> c.name().equals(name)).findFirst();
    if (cert.isEmpty()) {
      err.println("certferry deploy: no certificate named '" + name + "' in " + config + "; it has: "
          + loaded.get().certificates().stream().map(AgentConfig.CertificateConfig::name).toList());
      err.flush();
      return ExitCodes.USAGE;
    }
    List<DeployTarget> targets = AgentAssembly.targets(cert.get(), ConfigLoader.withInstalledProviders(secrets), secrets);
    List<String> ids = targets.stream().map(DeployTarget::id).toList();
    for (String id : only) {
      if (!ids.contains(id)) {
        err.println("certferry deploy: " + name + " has no target '" + id + "'; its targets: " + ids);
        err.flush();
        return ExitCodes.USAGE;
      }
    }
    if (!only.isEmpty()) {
      targets = targets.stream().filter(t -> only.contains(t.id())).toList();
    }
    Path dir = loaded.get().store() != null ? loaded.get().store() : global.storeDir();
    CertificateStore store = FileStore.open(dir);
    Optional<CertificateBundle> bundle = store.currentBundle(name);
    if (bundle.isEmpty()) {
      err.println("certferry deploy: " + name + " has no certificate in " + dir + " yet; run the agent "
          + "(certferry run --once --config " + config + ") or import one first");
      err.flush();
      return ExitCodes.FAILED;
    }
    DeployOutcome outcome;
    try (CertificateStore.Lock lock = store.lock(name);
         Deployer deployer = Deployer.builder().store(store).listener(Notifier.LOG)
             .parallelism(loaded.get().schedule().parallelism()).targetTimeout(loaded.get().schedule().targetTimeout()).build()) {
      outcome = deployer.deploy(name, bundle.get(), targets, true);
    }
    for (DeployOutcome.TargetOutcome t : outcome.targets()) {
      out.printf("%-24s %-16s%s%n", t.targetId(), t.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          t.inSync() ? "" : "  " + t.record().lastError());
    }
    out.printf("%s: %s%n", name, outcome.allInSync() ? "every target serves " + outcome.sha256()
        : "some targets failed; they will be retried by the agent with backoff");
    out.flush();
    return outcome.allInSync() ? ExitCodes.DONE : ExitCodes.FAILED;
  }
}
