package io.certferry.agent.cli;

import io.certferry.core.InputRejectedException;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.FileStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.x509.Csrs;
import io.certferry.core.x509.IpAddresses;
import io.certferry.core.x509.KeyType;
import io.certferry.core.x509.PemWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry csr}: a new key and a CSR to paste into a commercial CA's order form. The key
 * stays in the store as the lineage's pending key (0600) until {@code import} uses it, so the user
 * never handles it.
 */
@Command(name = "csr", mixinStandardHelpOptions = true,
    description = "Generate a key (kept in the store as the pending key of NAME) and a CSR for a CA's order form.")
public final class CsrCommand extends StoreCommand {
  private static final Pattern DNS_NAME = Pattern.compile(
      "(\\*\\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The lineage name, e.g. example-org.")
  String name;

  @Option(names = "--domain", required = true, paramLabel = "DOMAIN",
      description = "A name the certificate must cover; repeat for more. The first is also the CN.")
  List<String> domains;

  @Option(names = "--key-type", paramLabel = "TYPE", defaultValue = "ec-p256",
      description = "ec-p256 (default), ec-p384, rsa-2048, rsa-3072 or rsa-4096.")
  String keyType;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = ".", description = "Where to write NAME.csr (default: here).")
  Path out;

  @Option(names = "--force", description = "Replace a pending key left by an earlier csr (its CSR becomes useless).")
  boolean force;

  @Override
  protected int run() throws Exception {
    checkLineageName(name);
    List<String> names = checkDomains(domains);
    KeyType type = KeyType.parse(keyType).orElseThrow(() -> new InputRejectedException(
        "--key-type " + keyType + " is not known; use ec-p256, ec-p384, rsa-2048, rsa-3072 or rsa-4096"));
    if (!Files.isDirectory(out)) {
      throw new InputRejectedException("--out " + out + " is not a folder; create it or give another one");
    }
    CertificateStore store = openStore();
    Path csrFile = out.resolve(name + ".csr");
    String csr;
    try (CertificateStore.Lock lock = store.lock(name)) {
      if (!force && store.pendingKey(name).isPresent()) {
        throw new InputRejectedException("lineage '" + name + "' already has a pending key from an earlier csr, which "
            + "the CSR you sent the CA needs; import that certificate first, or pass --force to replace the key");
      }
      KeyPair keys = type.generate();
      csr = PemWriter.csr(Csrs.create(keys, names));
      store.savePendingKey(name, keys.getPrivate());
      Optional<LineageSpec> old = store.spec(name);
      store.saveSpec(new LineageSpec(name, names, "imported", type.id(),
          old.map(LineageSpec::options).orElse(Map.of()), old.map(LineageSpec::targets).orElse(List.of())));
    }
    OutputFiles.writeAtomically(csrFile, csr.getBytes(StandardCharsets.US_ASCII));
    out().print(csr);
    out().flush();
    err().println("certferry: " + type.id() + " key kept as the pending key of '" + name + "' in " + storeDir()
        + "; CSR for " + String.join(", ", names) + " written to " + csrFile);
    err().println("certferry: when the CA sends the certificate: certferry import --name " + name + " --cert FILE");
    err().flush();
    return ExitCodes.DONE;
  }

  static void checkLineageName(String name) throws InputRejectedException {
    try {
      FileStore.checkName(name);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException("--name: " + e.getMessage());
    }
  }

  /** Lower-cased, de-duplicated DNS names; a wildcard only as the whole first label. */
  static List<String> checkDomains(List<String> given) throws InputRejectedException {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String d : given) {
      String n = d.trim().toLowerCase(Locale.ROOT);
      if (n.endsWith(".")) {
        n = n.substring(0, n.length() - 1);
      }
      if (IpAddresses.isLiteral(n)) {
        n = IpAddresses.canonical(n);
      } else if (n.length() > 253 || !DNS_NAME.matcher(n).matches()) {
        throw new InputRejectedException("--domain '" + d + "' is not a DNS name or IP address; give a name such as "
            + "www.example.org or *.example.org, or an address such as 192.0.2.7 or 2001:db8::7");
      }
      out.add(n);
    }
    return new ArrayList<>(out);
  }
}
