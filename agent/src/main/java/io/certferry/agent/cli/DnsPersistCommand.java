package io.certferry.agent.cli;

import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.issue.acme.DnsPersistRecord;
import io.certferry.core.store.CertificateStore;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certferry dns-persist}: the persistent dns-persist-01 records of a certificate. */
@Command(name = "dns-persist", mixinStandardHelpOptions = true,
    description = "dns-persist-01: one TXT record per name authorizes the ACME account for good; renewals write no DNS.",
    subcommands = {DnsPersistCommand.Record.class})
public final class DnsPersistCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code certferry dns-persist record --name N}: the exact records to add at the DNS host, one zone-file
   * line per name, for the account and CA the certificate's issuer uses (the account is registered first
   * if the store has none, since the record names it).
   */
  @Command(name = "record", mixinStandardHelpOptions = true,
      description = {"Print the _validation-persist TXT record each name of certificate N needs (zone-file lines).",
          "Add them once at the DNS host; with challenges: [dns-persist-01] the agent then needs no DNS token."})
  public static final class Record extends StoreCommand {
    @Option(names = "--name", required = true, paramLabel = "N", description = "The certificate (lineage) name.")
    String name;

    @Override
    protected int run() throws Exception {
      CertificateStore store = openStore();
      try (CertManager manager = engine(store, List.of(name))) {
        InputRejectedException broken = broken().get(name);
        if (broken != null) {
          throw broken;
        }
        ManagedCertificate mc = manager.certificates().stream().filter(c -> c.name().equals(name)).findFirst()
            .orElseThrow(() -> new InputRejectedException("no certificate named '" + name + "' in "
                + global.config().map(Object::toString).orElse(storeDir().toString())
                + "; `certferry list` shows the names"));
        Issuer issuer = mc.issuer().orElse(null);
        if (!(issuer instanceof AcmeIssuer acme)) {
          throw new InputRejectedException(name + " is not issued over ACME (source " + mc.source()
              + "), so no dns-persist-01 record applies");
        }
        Map<String, DnsPersistRecord> records = acme.dnsPersistRecords(mc.domains());
        if (records.isEmpty()) {
          throw new InputRejectedException(name + " covers only IP addresses, which dns-persist-01 cannot validate; "
              + "use http-01 or tls-alpn-01");
        }
        records.forEach((domain, r) -> out().println(r.zoneLine(domain)));
        out().flush();
        err().println("certferry: add " + (records.size() == 1 ? "this record" : "these records") + " once at the DNS "
            + "host of " + String.join(", ", records.keySet()) + "; " + (records.size() == 1 ? "it authorizes" : "they authorize")
            + " account " + records.values().iterator().next().accountUri() + " at " + acme.directory()
            + " until removed" + records.values().iterator().next().persistUntil().map(t -> " or " + t).orElse("")
            + ". Renewals with challenges: [dns-persist-01] then change no DNS.");
        err().flush();
      }
      return ExitCodes.DONE;
    }
  }
}
