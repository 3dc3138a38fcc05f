package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.core.CertManager;
import io.certferry.core.InputRejectedException;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.StoredVersion;

import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code certferry show N}: one lineage in full, with its versions and targets. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "One certificate in full: names, dates, "
    + "fingerprint, issuer, state, targets and stored versions.")
public final class ShowCommand extends StoreCommand {
  @Parameters(index = "0", paramLabel = "NAME", description = "The lineage name, as `certferry list` shows it.")
  String name;

  @Option(names = "--json", description = "Print a JSON object: the fields of `list --json`, plus versions.")
  boolean json;

  @Override
  protected int run() throws Exception {
    try {
      FileStore.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException(e.getMessage());
    }
    CertificateStore store = openStore();
    if (!store.names().contains(name) && store.watchRecord(name).isEmpty()) {
      throw new InputRejectedException("no certificate named '" + name + "' in " + storeName()
          + "; `certferry list` shows the names");
    }
    LineageStatus s = LineageStatus.of(CertManager.status(store, name, env().clock().instant()).orElseThrow());
    List<StoredVersion> versions = store.versions(name);
    if (json) {
      ObjectNode node = Json.MAPPER.valueToTree(s);
      ArrayNode vs = node.putArray("versions");
      for (StoredVersion v : versions) {
        vs.addObject().put("number", v.number()).put("sha256", v.sha256()).put("notAfter", v.notAfter().toString())
            .put("storedAt", v.storedAt().toString()).put("source", v.source());
      }
      node.put("pendingKey", store.pendingKey(name).isPresent());
      Json.print(out(), node);
    } else {
      printHuman(s, versions, out());
    }
    out().flush();
    return ExitCodes.DONE;
  }

  private static void printHuman(LineageStatus s, List<StoredVersion> versions, PrintWriter out) {
    out.println("name:       " + s.name());
    out.println("state:      " + s.state() + (s.daysLeft() == null ? "" : " (" + s.daysLeft() + " days left)"));
    if (s.renewAt() != null) {
      out.println("renews:     " + s.renewAt() + (s.renewReason() == null ? "" : " (" + s.renewReason() + ")"));
    }
    if (s.error() != null) {
      out.println("error:      " + s.error());
    }
    out.println("source:     " + (s.source() == null ? "-" : s.source()));
    out.println("domains:    " + String.join(", ", s.domains()));
    if (s.notAfter() != null) {
      out.println("valid:      " + s.notBefore() + " to " + s.notAfter());
      out.println("issuer:     " + s.issuer());
      out.println("serial:     " + s.serial());
      out.println("sha256:     " + s.sha256());
    } else {
      out.println("            no certificate yet: import the one your CA issues with "
          + "`certferry import --name " + s.name() + " --cert FILE`");
    }
    out.println("targets:    " + (s.targets().isEmpty() ? "-"
        : s.targets().stream().map(t -> t.id() + " " + t.state()).collect(Collectors.joining(", "))));
    out.println("versions:   " + (versions.isEmpty() ? "-"
        : versions.stream().map(v -> v.number() + " (" + v.storedAt() + ")").collect(Collectors.joining(", "))));
  }
}
