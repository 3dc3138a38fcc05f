package io.certferry.agent.cli;

import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ReferenceSecrets;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.AcmeSettings;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;
import java.util.LinkedHashMap;
import java.util.Map;
import org.shredzone.acme4j.RevocationReason;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code certferry revoke NAME}: revokes the current certificate of an ACME lineage with the account that obtained it. */
@Command(name = "revoke", mixinStandardHelpOptions = true,
    description = "Revoke the current certificate of NAME at the ACME CA that issued it.")
public final class RevokeCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The lineage.")
  String name;

  @Option(names = "--reason", paramLabel = "R", defaultValue = "unspecified",
      description = "unspecified (default), keyCompromise, affiliationChanged, superseded or cessationOfOperation.")
  String reason;

  @Override
  int run() throws Exception {
    CsrCommand.checkLineageName(name);
    RevocationReason r;
    try {
      r = AcmeIssuer.parseReason(reason);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException("--reason: " + e.getMessage());
    }
    FileStore store = global.openStore();
    if (store.spec(name).isEmpty()) {
      throw new InputRejectedException("no lineage '" + name + "' in " + store.root() + "; see certferry list");
    }
    try (CertificateStore.Lock lock = store.lock(name)) {
      LineageSpec spec = store.spec(name).orElseThrow(() -> new InputRejectedException(
          "no lineage '" + name + "' in " + store.root() + "; see certferry list"));
      StoredVersion current = store.current(name).orElseThrow(() -> new InputRejectedException(
          "lineage '" + name + "' has no certificate to revoke"));
      if (!"acme".equals(current.source())) {
        throw new InputRejectedException("lineage '" + name + "' version " + current.number() + " is " + current.source()
            + ", not from an ACME CA; revoke it where it was bought");
      }
      Map<String, String> options = new LinkedHashMap<>(spec.options());
      // revoke at the CA and with the account that issued this version, even if the spec moved on
      String directory = current.details().get(AcmeIssuer.DIRECTORY);
      if (directory != null) {
        options.put(AcmeSettings.SERVER, directory);
      }
      String account = current.details().get(AcmeIssuer.ACCOUNT);
      if (account != null) {
        options.put(AcmeSettings.ACCOUNT, account);
      }
      CertificateBundle bundle = store.load(name, current.number());
      try (AcmeIssuer issuer = AcmeSettings.issuer(options, store, ReferenceSecrets.system(),
          line -> err().println("certferry: " + line)).build()) {
        issuer.revoke(bundle, r);
      }
      out().println(name + ": version " + current.number() + " (serial " + current.serial() + ") revoked, reason "
          + reason);
      out().flush();
    }
    return ExitCodes.DONE;
  }
}
