package io.certferry.agent.cli;

import io.certferry.core.CertManager;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certferry list}: every lineage, soonest-expiring first, from metadata only (no PEM, no key). */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Every certificate: name, days left, state, expiry, names; soonest-expiring first.")
public final class ListCommand extends StoreCommand {
  @Option(names = "--json", description = "Print a JSON array (name, source, domains, notBefore, notAfter, daysLeft, "
      + "serial, sha256, issuer, state, renewAt, renewReason, error, targets).")
  boolean json;

  @Override
  protected int run() throws Exception {
    List<LineageStatus> all = LineageStatus.of(CertManager.status(openStore(), env().clock().instant()));
    if (json) {
      Json.print(out(), all);
    } else if (all.isEmpty()) {
      out().println("No certificates in " + storeName() + " yet; add one with `certferry csr` and "
          + "`certferry import`, or `certferry issue`.");
    } else {
      StatusTable.print(all, out());
    }
    out().flush();
    return ExitCodes.DONE;
  }
}
