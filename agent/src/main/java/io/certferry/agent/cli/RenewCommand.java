package io.certferry.agent.cli;

import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;
import io.certferry.core.issue.IssueException;
import io.certferry.core.issue.IssueRequest;
import io.certferry.core.issue.IssuedCertificate;
import io.certferry.core.issue.Issuer;
import io.certferry.core.renew.AlertLevel;
import io.certferry.core.renew.RenewalCandidate;
import io.certferry.core.renew.RenewalDecision;
import io.certferry.core.renew.RenewalPlanner;
import io.certferry.core.renew.RenewalInfoSource;
import io.certferry.core.renew.RenewalPolicy;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.KeyType;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code certferry renew [N] [--force]}: renews every lineage that is due (or only N), through its
 * issuer, and says for each what it did and why. ARI first for ACME certificates; imported
 * certificates are never renewed, only reported with their alert level.
 */
@Command(name = "renew", mixinStandardHelpOptions = true,
    description = {"Renew what is due (ARI first, else when a third of the lifetime is left) and say why for each certificate.",
        "Imported certificates are never renewed: their expiry alert level is shown instead."})
public final class RenewCommand extends StoreCommand {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'")
      .withZone(ZoneOffset.UTC);

  @Parameters(arity = "0..1", paramLabel = "N", description = "Only this certificate (default: all).")
  String name;

  @Option(names = "--force", description = "Renew now even when not due (the CA's rate limits still hold).")
  boolean force;

  private final Clock clock;

  public RenewCommand() { this(Clock.systemUTC()); }

  /** Tests pass a clock they move past the renewal point. */
  RenewCommand(Clock clock) { this.clock = clock; }

  @Override
  int run() throws Exception {
    CertificateStore store = global.openStore();
    List<String> names = selected(store);
    if (names.isEmpty()) {
      out().println("No certificates in " + global.storeDir() + " to renew.");
      out().flush();
      return ExitCodes.DONE;
    }
    LineageIssuers issuers = new LineageIssuers(store, clock, out());
    RenewalPlanner planner = RenewalPlanner.builder().clock(clock).build();
    int failed = 0;
    for (String n : names) {
      try {
        renewOne(store, n, issuers, planner);
      } catch (InputRejectedException | IssueException | RuntimeException e) {
        failed++;
        err().println(n + ": renewal failed: " + message(e));
      }
      out().flush();
      err().flush();
    }
    if (failed > 0) {
      err().println(failed + " of " + names.size() + " certificate(s) failed; fix the cause above and run "
          + "`certferry renew` again.");
      err().flush();
    }
    return failed == 0 ? ExitCodes.DONE : ExitCodes.FAILED;
  }

  private List<String> selected(CertificateStore store) throws InputRejectedException {
    if (name == null) {
      return store.names();
    }
    if (store.spec(name).isEmpty() && store.current(name).isEmpty()) {
      throw new InputRejectedException("no certificate named '" + name + "' in " + global.storeDir()
          + "; `certferry list` shows the names");
    }
    return List.of(name);
  }

  private void renewOne(CertificateStore store, String n, LineageIssuers issuers, RenewalPlanner planner)
      throws InputRejectedException, IssueException, InterruptedException {
    Optional<LineageSpec> spec = store.spec(n);
    Optional<StoredVersion> current = store.current(n);
    String source = spec.map(LineageSpec::source).or(() -> current.map(StoredVersion::source)).orElse("?");
    if (source.equals("imported")) {
      reportImported(n, current);
      return;
    }
    if (spec.isEmpty()) {
      out().println(n + ": skipped, no spec.json (nothing says how to renew it); issue it again with `certferry issue`");
      return;
    }
    try (CertificateStore.Lock ignored = store.lock(n)) {
      Issuer issuer = issuers.issuer(spec.get());
      try {
        renewLocked(store, n, spec.get(), current, issuer, issuers, planner);
      } finally {
        if (issuer instanceof AutoCloseable closeable) {
          closeQuietly(closeable);
        }
      }
    }
  }

  private void renewLocked(CertificateStore store, String n, LineageSpec spec, Optional<StoredVersion> current,
                           Issuer issuer, LineageIssuers issuers, RenewalPlanner planner)
      throws InputRejectedException, IssueException, InterruptedException {
    if (current.isEmpty()) {
      StoredVersion v = issue(store, spec, issuer, Optional.empty(), Optional.empty());
      out().println(n + ": issued version " + v.number() + " (there was none), expires " + DAY.format(v.notAfter()));
      return;
    }
    StoredVersion v0 = current.get();
    List<String> missing = missing(v0.domains(), spec.domains());
    if (!missing.isEmpty()) {
      StoredVersion v = issue(store, spec, issuer, Optional.of(v0), Optional.empty());
      out().println(n + ": renewed (version " + v0.number() + " does not cover " + String.join(", ", missing)
          + "), version " + v.number() + " expires " + DAY.format(v.notAfter()));
      return;
    }
    RenewalPolicy policy = policy(spec);
    LineageState state = store.state(n);
    Optional<RenewalInfoSource> ari = issuers.renewalInfo(spec);
    // The leaf (for its ARI id) is parsed only when the CA offers ARI; otherwise metadata suffices.
    RenewalCandidate candidate = ari.isPresent() ? RenewalCandidate.of(n, store.load(n, v0.number()).leaf())
        : new RenewalCandidate(n, v0.notBefore(), v0.notAfter(), Optional.empty());
    RenewalDecision d = planner.decide(candidate, policy, state, ari, force);
    if (!d.state().equals(state)) {
      store.saveState(n, d.state());
    }
    d.windowMoved().ifPresent(m -> out().println(n + ": warning: " + m));
    if (!d.due()) {
      out().println(n + ": not due, renews at " + MINUTE.format(d.renewAt()) + " (" + d.reason() + ")");
      return;
    }
    Optional<String> replaces = issuer.source().equals("acme") ? d.replaces() : Optional.empty();
    StoredVersion v = issue(store, spec, issuer, Optional.of(v0), replaces);
    out().println(n + ": renewed (" + d.reason() + "), version " + v.number() + " expires "
        + DAY.format(v.notAfter()));
  }

  private StoredVersion issue(CertificateStore store, LineageSpec spec, Issuer issuer,
                              Optional<StoredVersion> previous, Optional<String> replaces)
      throws InputRejectedException, IssueException, InterruptedException {
    KeyType keyType = KeyType.parse(spec.keyType()).orElseThrow(() -> new InputRejectedException(spec.name()
        + ": spec.json key type '" + spec.keyType() + "' is not one of ec-p256, ec-p384, rsa-2048, rsa-3072, rsa-4096"));
    boolean reuse = Boolean.parseBoolean(spec.options().getOrDefault("reuseKey", "false"));
    Optional<KeyPair> key = Optional.empty();
    if (reuse && previous.isPresent()) {
      CertificateBundle b = store.load(spec.name(), previous.get().number());
      key = Optional.of(new KeyPair(b.leaf().getPublicKey(), b.privateKey()));
    }
    Optional<String> profile = Optional.ofNullable(spec.options().get("profile")).filter(p -> !p.isBlank());
    IssueRequest request = new IssueRequest(spec.name(), spec.domains(), keyType, key, replaces, profile);
    IssuedCertificate issued = issuer.issue(request);
    StoredVersion v = store.addVersion(spec.name(), issued.bundle(), issuer.source(), issued.details());
    LineageState s = store.state(spec.name());
    if (s.failedAttempts() != 0 || s.lastError() != null || s.nextAttempt() != null) {
      store.saveState(spec.name(), new LineageState(s.noOrderBefore(), 0, null, null, s.ariWindowStart(),
          s.ariWindowEnd(), s.ariRenewAt(), s.ariNextPoll(), s.ariExplanationUrl(), s.extra()));
    }
    return v;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Closing an issuer only releases its HTTP resources; the renewal's outcome is already known.
    }
  }

  /** Names the spec asks for that the stored certificate lacks (the spec was edited since). */
  private static List<String> missing(List<String> have, List<String> want) {
    java.util.Set<String> lower = new java.util.HashSet<>();
    have.forEach(h -> lower.add(h.toLowerCase(java.util.Locale.ROOT)));
    return want.stream().filter(w -> !lower.contains(w.toLowerCase(java.util.Locale.ROOT))).toList();
  }

  private static RenewalPolicy policy(LineageSpec spec) throws InputRejectedException {
    try {
      return RenewalPolicy.fromOptions(spec.options());
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException(spec.name() + ": spec option " + e.getMessage());
    }
  }

  private void reportImported(String n, Optional<StoredVersion> current) {
    if (current.isEmpty()) {
      out().println(n + ": imported, no certificate yet (waiting for `certferry import --name " + n + "`)");
      return;
    }
    Instant notAfter = current.get().notAfter();
    AlertLevel level = AlertLevel.of(notAfter, clock);
    long days = Duration.between(clock.instant(), notAfter).toDays();
    String when = level == AlertLevel.EXPIRED ? "expired " + DAY.format(notAfter)
        : "expires " + DAY.format(notAfter) + " (" + days + " days left)";
    String alert = level == AlertLevel.NONE ? "no alert yet"
        : level == AlertLevel.EXPIRED ? "alert: EXPIRED" : "alert level " + level.label();
    String todo = level == AlertLevel.NONE ? "" : "; buy/download the new certificate and `certferry import --name " + n + "` it";
    out().println(n + ": imported, never renewed by Certferry; " + when + ", " + alert + todo);
  }

  private static String message(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }
}
