package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.run.AgentAssembly;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certferry revoke NAME}: revokes the current certificate of an ACME lineage at the CA and with the
 * account that obtained it (even if the lineage's settings moved on since); the next pass renews it.
 */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = "Revoke the current certificate of NAME at the ACME CA that issued it; the next pass renews it.")
public final class RevokeCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The lineage.")
  String name;

  @Option(names = "--reason", paramLabel = "R", defaultValue = "unspecified",
      description = "unspecified (default), keyCompromise, affiliationChanged, superseded or cessationOfOperation.")
  String reason;

  @Override
  protected int run() throws Exception {
    CsrCommand.checkLineageName(name);
    try {
      AcmeIssuer.parseReason(reason);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException("--reason: " + e.getMessage());
    }
    CertificateStore store = openStore();
    LineageSpec spec = store.spec(name).orElseThrow(() -> new InputRejectedException(
        "no lineage '" + name + "' in " + storeName() + "; see certferry list"));
    StoredVersion current = store.current(name).orElseThrow(() -> new InputRejectedException(
        "lineage '" + name + "' has no certificate to revoke"));
    try (CertManager manager = CertManager.builder().store(store).clock(env().clock()).listener(Notifier.LOG)
        .certificate(AgentAssembly.fromSpec(issuedWith(spec, current), store, env(), this::progress)).build()) {
      StoredVersion v = manager.revoke(name, reason);
      out().println(name + ": version " + v.number() + " (serial " + v.serial() + ") revoked, reason " + reason
          + "; it is renewed on the next pass (or `certferry renew " + name + "`)");
      out().flush();
    }
    return ExitCodes.DONE;
  }

  /** The spec with the CA and account that issued this version, which alone may revoke it. */
  private static LineageSpec issuedWith(LineageSpec spec, StoredVersion v) {
    ObjectNode block = spec.issuer();
    if (block == null) {
      return spec;
    }
    String directory = v.details().get(AcmeIssuer.DIRECTORY);
    String account = v.details().get(AcmeIssuer.ACCOUNT);
    if (directory != null) {
      block.put("server", directory);
    }
    if (account != null) {
      block.put("account", account);
    }
    return new LineageSpec(spec.name(), spec.domains(), spec.source(), spec.keyType(), spec.options(), spec.targets(),
        block);
  }
}
