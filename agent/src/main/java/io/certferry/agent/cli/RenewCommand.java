package io.certferry.agent.cli;

import io.certferry.core.CertManager;
import io.certferry.core.CertificateState;
import io.certferry.core.CertificateStatus;
import io.certferry.core.InputRejectedException;
import io.certferry.core.ManagedCertificate;
import io.certferry.core.issue.IssueException;
import io.certferry.core.notify.AlertPolicy;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.renew.RenewalExplanation;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.CertificateChecks;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certferry renew [N] [--force]}: the engine's pass for every lineage (or only N), one at a time,
 * and for each what it did and why: the renewal rule (ARI first, then a fraction of the lifetime or
 * {@code renewBefore}), a hold (backoff, rate limit), or the failure. With {@code --config} the config's
 * certificates are renewed and deployed to their targets, exactly as the agent would; without, the
 * lineages as the store keeps them. Imported certificates are never renewed; they are reported. {@code --dry-run}
 * proves issuance at the CA's staging directory and keeps nothing.
 */
@Command(name = "renew", mixinStandardHelpOptions = true,
    description = {"Renew what is due (ARI first, else when a third of the lifetime is left) and say why for each certificate.",
        "With --config, also deploy to the config's targets. Imported certificates are reported, never renewed."})
public final class RenewCommand extends StoreCommand {
  private static final AlertPolicy ALERTS = AlertPolicy.defaults();
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);

  @Parameters(arity = "0..1", paramLabel = "N", description = "Only this certificate (default: all).")
  String name;

  @Option(names = "--force", description = "Renew now even when not due (the CA's rate limits still hold).")
  boolean force;

  @Option(names = "--explain", description = "Renew nothing: print for each certificate when it renews and the rule "
      + "that decided it (ARI window, lifetime fraction, renewBefore, backoff, rate limit, fallback).")
  boolean explain;

  @Option(names = "--dry-run", description = "Prove issuance works end to end: obtain a certificate from the CA's "
      + "staging directory (letsencrypt: letsencrypt-staging), then drop it: nothing stored, nothing deployed.")
  boolean dryRun;

  @Option(names = "--staging", paramLabel = "NAME|URL", description = "With --dry-run: the staging directory to ask "
      + "(for a CA whose staging Certferry does not know).")
  String staging;

  @Override
  protected int run() throws Exception {
    CertificateStore store = openStore();
    List<String> names = selected(store);
    if (names.isEmpty()) {
      out().println("No certificates in " + storeName() + " to renew.");
      out().flush();
      return ExitCodes.DONE;
    }
    int failed = 0;
    // What the CA says about its window goes to the operator here, not only to the log.
    Notifier warnings = e -> {
      if (e.type() == LifecycleEvent.Type.ARI_WINDOW_MOVED) {
        out().println(e.certificate() + ": warning: " + e.message());
      }
    };
    if (staging != null && !dryRun) {
      throw new UsageError("--staging goes with --dry-run");
    }
    try (CertManager manager = engine(store, names, warnings)) {
      if (dryRun) {
        return dryRun(manager, names);
      }
      if (explain) {
        names.stream().filter(n -> !broken().containsKey(n)).forEach(n -> explain(manager.explain(n)));
        broken().forEach((n, e) -> err().println(n + ": cannot be explained: " + e.getMessage()));
        out().flush();
        return broken().isEmpty() ? ExitCodes.DONE : ExitCodes.FAILED;
      }
      for (String n : names) {
        InputRejectedException bad = broken().get(n);
        if (bad != null) {
          err().println(n + ": renewal failed: " + bad.getMessage());
          failed++;
        } else if (!renewOne(manager, n)) {
          failed++;
        }
        out().flush();
        err().flush();
      }
    }
    if (failed > 0) {
      err().println(failed + " of " + names.size() + " certificate(s) failed; fix the cause above and run "
          + "`certferry renew` again.");
      err().flush();
    }
    return failed == 0 ? ExitCodes.DONE : ExitCodes.FAILED;
  }

  private List<String> selected(CertificateStore store) throws InputRejectedException {
    List<String> all = config().map(c -> c.certificates().stream().map(x -> x.name()).toList()).orElseGet(store::names);
    if (name == null) {
      return all;
    }
    if (!all.contains(name)) {
      throw new InputRejectedException("no certificate named '" + name + "' in "
          + global.config().map(Object::toString).orElse(storeName()) + "; `certferry list` shows the names");
    }
    return List.of(name);
  }

  /** One pass for one certificate and one line saying what happened; false when it failed. */
  private boolean renewOne(CertManager manager, String n) throws InterruptedException {
    Instant now = env().clock().instant();
    Optional<CertificateStatus> before = manager.status(n);
    ManagedCertificate mc = manager.certificates().stream().filter(c -> c.name().equals(n)).findFirst().orElseThrow();
    CertificateStatus s = manager.renew(n, force);
    if (s.renewedNow()) {
      StoredVersion v = s.current().orElseThrow();
      Optional<StoredVersion> old = before.flatMap(CertificateStatus::current);
      if (old.isEmpty()) {
        out().println(n + ": issued version " + v.number() + " (there was none), expires " + DAY.format(v.notAfter()));
        return true;
      }
      List<String> uncovered = CertificateChecks.uncovered(old.get().domains(), mc.domains());
      String why = !uncovered.isEmpty() ? "version " + old.get().number() + " does not cover " + String.join(", ", uncovered)
          : force ? "forced" : before.flatMap(CertificateStatus::renewReason).orElse("due");
      out().println(n + ": renewed (" + why + "), version " + v.number() + " expires " + DAY.format(v.notAfter()));
      return true;
    }
    if (s.error().isPresent() && !mc.source().equals("imported")) {
      err().println(n + ": renewal failed: " + s.error().get());
      return false;
    }
    if (mc.source().equals("imported")) {
      reportImported(n, s, now);
      return s.current().isPresent();
    }
    out().println(n + ": not due, renews at " + s.renewAt().map(MINUTE::format).orElse("?") + " ("
        + s.renewReason().orElse("") + ")");
    return true;
  }

  /** One trial issuance per certificate at its CA's staging directory; exit 2 when one has none known. */
  private int dryRun(CertManager manager, List<String> names) throws InterruptedException {
    int failed = 0;
    boolean usage = false;
    for (String n : names) {
      ManagedCertificate mc = manager.certificates().stream().filter(c -> c.name().equals(n)).findFirst().orElse(null);
      if (mc == null) {
        err().println(n + ": dry run failed: " + broken().get(n).getMessage());
        failed++;
        continue;
      }
      try (StagingIssuer trial = StagingIssuer.of(mc, staging, env(), this::progress)) {
        StoredVersion v = manager.trialIssue(n, trial.issuer());
        out().println(n + ": dry run: " + trial.directory() + " issued serial " + v.serial() + " for "
            + String.join(", ", v.domains()) + ", valid until " + DAY.format(v.notAfter())
            + "; discarded: nothing stored, nothing deployed");
      } catch (StagingIssuer.Unavailable e) {
        (e.usage ? err() : out()).println(n + ": dry run " + (e.usage ? "impossible: " : "skipped: ") + e.getMessage());
        usage |= e.usage;
      } catch (IssueException | InputRejectedException | IOException e) {
        err().println(n + ": dry run failed: " + e.getMessage());
        failed++;
      }
      out().flush();
      err().flush();
    }
    return failed > 0 ? ExitCodes.FAILED : usage ? ExitCodes.USAGE : ExitCodes.DONE;
  }

  private void explain(RenewalExplanation x) {
    out().println(x.name() + ": " + x.renewAt().map(t -> "renews at " + MINUTE.format(t)).orElse("issued at once")
        + " by rule " + x.rule() + (x.reason().isEmpty() ? "" : " (" + x.reason() + ")"));
    x.hold().ifPresent(h -> out().println("  held: " + h));
    out().println("  issuer: " + x.issuer() + (x.fallback() ? " (a fallback; the first, " + x.issuers().get(0)
        + ", is asked again at the next renewal)" : "") + (x.issuers().size() > 1 && !x.fallback()
        ? " (then " + String.join(", then ", x.issuers().subList(1, x.issuers().size())) + ")" : ""));
    x.lastError().ifPresent(e -> out().println("  last error: " + e));
    x.nextLook().ifPresent(t -> out().println("  next look: " + MINUTE.format(t)));
    x.challenges().forEach((domain, why) -> out().println("  challenge for " + domain + ": " + why));
  }

  private void reportImported(String n, CertificateStatus s, Instant now) {
    if (s.current().isEmpty()) {
      out().println(n + ": imported, no certificate yet (waiting for `certferry import --name " + n + "`)");
      return;
    }
    Instant notAfter = s.current().get().notAfter();
    boolean expired = s.state().equals(CertificateState.EXPIRED.id());
    String when = expired ? "expired " + DAY.format(notAfter)
        : "expires " + DAY.format(notAfter) + " (" + CertificateState.daysLeft(notAfter, now) + " days left)";
    Optional<Integer> level = ALERTS.level(notAfter, now);
    String alert = level.isEmpty() ? "no alert yet" : expired ? "alert: EXPIRED" : "alert level " + level.get()
        + (level.get() == 1 ? " day" : " days");
    String todo = level.isEmpty() ? "" : "; buy/download the new certificate and `certferry import --name " + n + "` it";
    out().println(n + ": imported, never renewed by Certferry; " + when + ", " + alert + todo);
  }
}
