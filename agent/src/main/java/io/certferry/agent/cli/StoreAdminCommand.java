package io.certferry.agent.cli;

import io.certferry.agent.config.AgentConfig;
import io.certferry.core.InputRejectedException;
import io.certferry.core.Secrets;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.KeyEncryptingStore;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code certferry store}: the store itself: re-sealing its keys under a new key, moving it to another store. */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = "The store itself: rotate its key-encryption key, or migrate it to another store.",
    subcommands = {StoreAdminCommand.RotateKey.class, StoreAdminCommand.Migrate.class})
public final class StoreAdminCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * {@code certferry store rotate-key --config F --new-key ${file:/etc/certferry/kek.new}}: re-seals every key of the
   * store the config names under the new key-encryption key, all or nothing.
   */
  @Command(name = "rotate-key", mixinStandardHelpOptions = true,
      description = {"Re-seal every private key in the store the config names under a new key-encryption key (all or "
          + "nothing). Then give every agent the new key and restart it.",
          "Create the new key with: openssl rand -base64 32 > /etc/certferry/kek.new && chmod 0600 /etc/certferry/kek.new"})
  public static final class RotateKey extends StoreCommand {
    @Option(names = "--new-key", required = true, paramLabel = "REF",
        description = "The new key, by reference: ${file:/etc/certferry/kek.new} or ${env:NEW_KEK} (32 bytes, base64 or hex).")
    String newKey;

    @Override
    protected int run() throws Exception {
      requireConfig();
      String ref = newKey.trim();
      if (!Secrets.isReference(ref)) {
        throw new UsageError("--new-key must be a secret reference such as ${file:/etc/certferry/kek.new} or "
            + "${env:NEW_KEK}; a key written on the command line is seen by every user of this machine (ps)");
      }
      String text;
      try {
        text = env().secrets().resolve(ref);
      } catch (IllegalArgumentException e) {
        throw new UsageError("--new-key: " + e.getMessage());
      }
      CertificateStore store = openStore();
      if (!(store instanceof KeyEncryptingStore sealed)) {
        throw new UsageError(storeName() + " does not seal its keys under a key-encryption key (a file store keeps "
            + "them in 0600 files in a 0700 folder); there is nothing to rotate");
      }
      String before = sealed.keyEncryptionKeyId();
      int count;
      try {
        count = sealed.rotateKeyEncryptionKey(text);
      } catch (IllegalArgumentException e) {
        throw new InputRejectedException("--new-key " + ref + ": " + e.getMessage());
      }
      out().println("Re-sealed " + count + " key(s) in " + storeName() + " under key-encryption key "
          + sealed.keyEncryptionKeyId() + " (was " + before + ").");
      out().println("Now give every agent the new key (put it where keyEncryptionKey in " + global.config().orElseThrow()
          + " points, or point it at " + ref + ") and restart them: keys sealed under the old key are refused from now on.");
      out().flush();
      return ExitCodes.DONE;
    }
  }

  /**
   * {@code certferry store migrate --from DIR|CONFIG --to CONFIG|DIR}: copies one store into another and checks the
   * copy; see {@link StoreMigration}.
   */
  @Command(name = "migrate", mixinStandardHelpOptions = true,
      description = {"Copy every lineage (all versions, spec, state, deployments), the ACME accounts they use and the "
          + "local CA from one store to another, then check the fingerprints. The source is only read.",
          "Each side is a store folder, or an agent config file whose store: is used. Running it again copies only "
              + "what is missing."})
  public static final class Migrate extends StoreCommand {
    @Option(names = "--from", required = true, paramLabel = "DIR|CONFIG", description = "The store to copy: a folder, or a config file.")
    Path from;

    @Option(names = "--to", required = true, paramLabel = "DIR|CONFIG", description = "The store to copy into: a folder, or a config file.")
    Path to;

    @Override
    protected int run() throws Exception {
      AgentConfig.Block source = side(from, "--from");
      AgentConfig.Block target = side(to, "--to");
      if (describe(source).equals(describe(target))) {
        throw new UsageError("--from and --to name the same store (" + describe(source) + ")");
      }
      StoreMigration.Result r;
      CertificateStore a = open(source, env());
      try {
        CertificateStore b = open(target, env());
        try {
          r = new StoreMigration(a, b).run();
        } finally {
          close(b);
        }
      } finally {
        close(a);
      }
      out().println("Copied " + describe(source) + " to " + describe(target) + ": " + r.lineages() + " lineage(s), "
          + r.versionsCopied() + " version(s) copied, " + r.versionsThere() + " already there, " + r.accounts()
          + " ACME account(s)" + (r.localCa() ? ", the local CA" : "") + "; fingerprints checked.");
      for (String c : r.conflicts()) {
        err().println("certferry store migrate: " + c);
      }
      out().flush();
      err().flush();
      return r.conflicts().isEmpty() ? ExitCodes.DONE : ExitCodes.FAILED;
    }

    /** A side of the migration: a config file's {@code store:}, else a folder. */
    private AgentConfig.Block side(Path p, String option) {
      if (Files.isRegularFile(p)) {
        AgentConfig c = loadConfig(p);
        if (c.storeSettings() == null) {
          throw new UsageError(option + " " + p + ": the config has no store: setting; add one, or give the store folder");
        }
        return c.storeSettings();
      }
      if (option.equals("--from") && !Files.isDirectory(p)) {
        throw new UsageError("--from " + p + " is neither a store folder nor a config file");
      }
      return folder(p);
    }

    private void close(CertificateStore s) {
      if (s instanceof AutoCloseable c) {
        try {
          c.close();
        } catch (Exception e) {
          err().println("certferry: warning: " + e.getMessage());
        }
      }
    }
  }
}
