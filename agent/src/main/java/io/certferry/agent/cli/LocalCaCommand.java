package io.certferry.agent.cli;

import io.certferry.core.InputRejectedException;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.issue.local.LocalCaIssuer;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.PemWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certferry local-ca}: the store's local certificate authority. */
@Command(name = "local-ca", mixinStandardHelpOptions = true,
    description = "The local CA that signs certificates with source 'local' (created on first use).",
    subcommands = {LocalCaCommand.Export.class})
public final class LocalCaCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code certferry local-ca export [--out FILE]}: the root certificate as PEM, for trust stores. */
  @Command(name = "export", mixinStandardHelpOptions = true,
      description = "Print the local CA's root certificate (PEM), or write it to --out. Creates the CA if the store has none.")
  public static final class Export extends StoreCommand {
    @Option(names = "--out", paramLabel = "FILE", description = "Write the PEM here (replaced atomically) instead of printing it.")
    Path out;

    @Override
    protected int run() throws Exception {
      if (out != null) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
          throw new InputRejectedException("--out " + out + ": folder " + parent + " does not exist; create it or "
              + "choose another path");
        }
        if (Files.isDirectory(out)) {
          throw new InputRejectedException("--out " + out + " is a folder; give a file name such as "
              + out.resolve("certferry-local-ca.pem"));
        }
      }
      LocalCaIssuer.Root root = LocalCaIssuer.builder(openStore()).create().root();
      String subject = root.certificate().getSubjectX500Principal().getName();
      if (root.created()) {
        err().println("Created the local CA " + subject + " in " + storeName() + " (valid 10 years).");
      }
      String pem = PemWriter.certificates(List.of(root.certificate()));
      if (out == null) {
        out().print(pem);
      } else {
        OutputFiles.writeAtomically(out, pem.getBytes(StandardCharsets.US_ASCII));
        out().println("Wrote the local CA root " + subject + " (SHA-256 " + Fingerprints.sha256(root.certificate())
            + ") to " + out + ".");
        out().println("Trust it on a Debian host: cp " + out + " /usr/local/share/ca-certificates/certferry-local-ca.crt"
            + " && update-ca-certificates");
      }
      out().flush();
      err().flush();
      return ExitCodes.DONE;
    }
  }
}
