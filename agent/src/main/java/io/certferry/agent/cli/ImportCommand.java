package io.certferry.agent.cli;

import io.certferry.core.CertManager;
import io.certferry.core.CertificateBundle;
import io.certferry.core.CertificateState;
import io.certferry.core.InputRejectedException;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.BundleAssembler;
import io.certferry.core.x509.CertificateReader;
import io.certferry.core.x509.Passwords;
import io.certferry.core.x509.Pkcs12Contents;
import io.certferry.core.x509.Pkcs12Reader;
import io.certferry.core.x509.PrivateKeyReader;
import io.certferry.core.x509.TrustAnchors;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code certferry import}: stores a bought certificate as a new version of a lineage, after the
 * same checks a TLS client makes and more (key match, chain to a trusted root, names, dates, key
 * strength). Every rejection exits 3 with the file and the fix, and leaves the store as it was.
 */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Import a certificate from files (PEM, DER, PKCS#7 in any order), a PKCS#12 file, or a provider.")
public final class ImportCommand extends StoreCommand {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  @Option(names = "--name", required = true, paramLabel = "NAME", description = "The lineage to add the certificate to.")
  String name;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @ArgGroup(exclusive = false)
    FileInput files;

    @ArgGroup(exclusive = false)
    Pkcs12Input pkcs12;

    @ArgGroup(exclusive = false)
    ProviderInput provider;
  }

  static final class FileInput {
    @Option(names = "--cert", required = true, paramLabel = "FILE", description = "The certificate (may hold the chain too).")
    Path cert;

    @Option(names = "--chain", paramLabel = "FILE", description = "The CA bundle; repeat for more files.")
    List<Path> chain = new ArrayList<>();

    @Option(names = "--key", paramLabel = "FILE",
        description = "The private key (default: the pending key `certferry csr` made for NAME).")
    Path key;

    @Option(names = "--key-password-file", paramLabel = "FILE|-", description = "Password of an encrypted key (first line; - for stdin).")
    Path keyPassword;
  }

  static final class Pkcs12Input {
    @Option(names = "--pkcs12", required = true, paramLabel = "FILE", description = "A .pfx/.p12 file with key and chain.")
    Path file;

    @Option(names = "--password-file", required = true, paramLabel = "FILE|-", description = "Its password (first line; - for stdin).")
    Path password;
  }

  static final class ProviderInput {
    @Option(names = "--from", required = true, paramLabel = "TYPE", description = "A certificate source, e.g. dnsimple.")
    String type;

    @Option(names = "--domain", required = true, paramLabel = "DOMAIN", description = "The domain the certificate belongs to.")
    String domain;

    @Option(names = "--certificate-id", required = true, paramLabel = "ID", description = "The source's certificate id.")
    String certificateId;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "A setting of the source; secrets by reference, e.g. token=$${env:DNSIMPLE_TOKEN}.")
    Map<String, String> settings = new LinkedHashMap<>();
  }

  @Option(names = "--trust", paramLabel = "FILE",
      description = "Extra trusted roots (a private CA); the JDK's roots are always trusted.")
  List<Path> trust = new ArrayList<>();

  @Override
  protected int run() throws Exception {
    CsrCommand.checkLineageName(name);
    CertificateStore store = openStore();
    ImportCandidate c = read(store);
    CertificateBundle bundle = assemble(c);
    CertManager engine = CertManager.builder().store(store).clock(env().clock()).listener(Notifier.LOG).build();
    CertManager.Imported imported;
    try {
      imported = engine.importVersion(name, bundle, Map.of("importedFrom", c.description()));
    } catch (InputRejectedException e) {
      throw new InputRejectedException(c.description() + ": " + e.getMessage(), e);
    }
    StoredVersion v = imported.version();
    if (!imported.added()) {
      out().println("'" + name + "' already has this certificate as version " + v.number() + " (sha256 " + v.sha256()
          + "); nothing changed");
      out().flush();
      return ExitCodes.DONE;
    }
    if (c.usedPendingKey()) {
      store.clearPendingKey(name);
    }
    Instant now = env().clock().instant();
    out().println("imported '" + name + "' version " + v.number() + ": " + String.join(", ", v.domains()));
    out().println("  issuer:  " + v.issuer());
    out().println("  expires: " + DAY.format(v.notAfter()) + " (" + CertificateState.daysLeft(v.notAfter(), now)
        + " days left)");
    out().println("  sha256:  " + v.sha256());
    out().flush();
    return ExitCodes.DONE;
  }

  private ImportCandidate read(CertificateStore store) throws Exception {
    if (input.files != null) {
      return readFiles(store, input.files);
    }
    if (input.pkcs12 != null) {
      char[] pw = Passwords.read(input.pkcs12.password);
      try {
        Pkcs12Contents p = Pkcs12Reader.read(input.pkcs12.file, pw);
        return new ImportCandidate(p.certificates(), p.key(), input.pkcs12.file.toString(), false);
      } finally {
        Arrays.fill(pw, '\0');
      }
    }
    return ProviderDownload.fetch(input.provider.type, input.provider.domain, input.provider.certificateId,
        input.provider.settings, env());
  }

  private ImportCandidate readFiles(CertificateStore store, FileInput f) throws Exception {
    List<X509Certificate> heap = new ArrayList<>(CertificateReader.read(f.cert));
    StringBuilder desc = new StringBuilder(f.cert.toString());
    for (Path chain : f.chain) {
      heap.addAll(CertificateReader.read(chain));
      desc.append(", ").append(chain);
    }
    if (f.key != null) {
      Optional<char[]> pw = f.keyPassword == null ? Optional.empty() : Optional.of(Passwords.read(f.keyPassword));
      try {
        return new ImportCandidate(heap, PrivateKeyReader.read(f.key, pw), desc.toString(), false);
      } finally {
        pw.ifPresent(p -> Arrays.fill(p, '\0'));
      }
    }
    Optional<PrivateKey> pending = store.pendingKey(name);
    if (pending.isEmpty()) {
      throw new InputRejectedException("no --key given and lineage '" + name + "' has no pending key (made by "
          + "`certferry csr --name " + name + "`); pass --key FILE with the key the CSR was made with");
    }
    return new ImportCandidate(heap, pending.get(), desc.toString(), true);
  }

  /** The bundle the inputs make, checked as a TLS client would; the engine checks the names the lineage expects. */
  private CertificateBundle assemble(ImportCandidate c) throws InputRejectedException {
    TrustAnchors anchors = TrustAnchors.jdkDefault();
    if (!trust.isEmpty()) {
      List<X509Certificate> extra = new ArrayList<>();
      for (Path t : trust) {
        extra.addAll(CertificateReader.read(t));
      }
      anchors = anchors.with(extra);
    }
    return BundleAssembler.assemble(c.description(), c.heap(), c.key(), anchors, env().clock());
  }
}
