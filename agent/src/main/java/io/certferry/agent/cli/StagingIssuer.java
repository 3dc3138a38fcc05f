package io.certferry.agent.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.certferry.agent.Environment;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.issue.IssuerContext;
import io.certferry.core.issue.IssuerSettings;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.store.FileStore;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The issuer a dry run asks: the certificate's own ACME settings with the server swapped for the CA's staging
 * directory (or the one {@code --staging} names), its account kept in a temporary store of its own that is
 * deleted afterwards, so the real store is never written. Each dry run therefore registers a fresh staging
 * account, which staging CAs allow freely.
 */
final class StagingIssuer implements AutoCloseable {
  private final Path accountStore;
  private final Issuer issuer;
  private final URI directory;

  private StagingIssuer(Path accountStore, Issuer issuer, URI directory) {
    this.accountStore = accountStore;
    this.issuer = issuer;
    this.directory = directory;
  }

  /** Why a certificate has no staging issuer: nothing to prove, or no staging directory known. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean usage;

    Unavailable(String message, boolean usage) {
      super(message, null, false, false);
      this.usage = usage;
    }
  }

  /**
   * The staging issuer of {@code mc}.
   *
   * @param staging {@code --staging}: a known name or a directory URL; null for the CA's own staging
   * @throws Unavailable when the certificate is not an ACME one, or no staging directory is known for its CA
   * @throws InputRejectedException when a file or secret its settings name cannot be read now
   */
  static StagingIssuer of(ManagedCertificate mc, String staging, Environment env, Consumer<String> progress)
      throws Unavailable, InputRejectedException, IOException {
    Optional<ObjectNode> block = mc.issuerSettings();
    if (block.isEmpty() || !"acme".equals(block.get().path("type").asText())) {
      throw new Unavailable(mc.source() + " certificate: no CA to prove issuance against", false);
    }
    URI production = AcmeDirectories.resolve(block.get().path("server").asText());
    URI directory;
    try {
      directory = staging != null ? AcmeDirectories.resolve(staging) : AcmeDirectories.stagingOf(production)
          .orElseThrow(() -> new Unavailable("no staging directory is known for " + production + "; give the CA's "
              + "test directory with --staging URL (Let's Encrypt's is letsencrypt-staging)", true));
    } catch (IllegalArgumentException e) {
      throw new Unavailable("--staging: " + e.getMessage(), true);
    }
    ObjectNode trial = block.get().deepCopy().put("server", directory.toString());
    IssuerSettings settings = IssuerSettings.read(trial, mc.domains(), env.providers()).orThrow(mc.name() + ": issuer");
    Path dir = Files.createTempDirectory("certferry-dry-run-"); // 0700: it holds the staging account's key
    try {
      FileStore accounts = FileStore.open(dir);
      Issuer issuer = settings.create(new IssuerContext(accounts, env.secrets(), env.clock(), env.sleeper(), progress,
          env.providers(), env.providerContext())).orElseThrow();
      return new StagingIssuer(dir, issuer, directory);
    } catch (InputRejectedException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  Issuer issuer() { return issuer; }

  URI directory() { return directory; }

  @Override
  public void close() {
    if (issuer instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // the solver's server is gone with the process anyway
      }
    }
    delete(accountStore);
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind holds only a staging account
    }
  }
}
