package io.certferry.provider.nginx;

import io.certferry.core.Sleeper;
import io.certferry.core.CertificateBundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys to one nginx frontend: keep the previous pair, write the new one atomically, test, reload,
 * prove by handshake; on any failure put the previous pair back, reload and prove that.
 */
final class FrontendDeployer {
  /** Good handshakes in a row that prove a frontend serves a certificate. */
  static final int STABLE = 3;
  /** The pause between the handshakes of a streak. */
  static final Duration STABLE_GAP = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(FrontendDeployer.class);
  private static final int MAX_OUTPUT = 2000;
  /**
   * One deploy at a time per nginx server in this process: {@code nginx -t} and the reload read every site's files,
   * so a second certificate's pair half-written on the same server would fail this one's test and roll it back.
   */
  private static final Map<String, Object> SERVER_LOCKS = new ConcurrentHashMap<>();

  private final Frontend f;
  private final HostOpener opener;
  private final ServedCertificates probe;
  private final Clock clock;
  private final Sleeper sleeper;

  FrontendDeployer(Frontend f, HostOpener opener, ServedCertificates probe, Clock clock, Sleeper sleeper) {
    this.f = f;
    this.opener = opener;
    this.probe = probe;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /** Never throws: every failure becomes a failed outcome that says what the frontend serves now. */
  FrontendOutcome deploy(CertificateBundle bundle) {
    List<String> names = names(bundle);
    if (f.address().isPresent() && mismatches(names, bundle.sha256()).isEmpty()) {
      return FrontendOutcome.unchanged(f.name(), bundle.sha256(), f.address().get() + " already serves it");
    }
    Host host;
    try {
      host = opener.open(f);
    } catch (HostKeyRejectedException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), e.getMessage() + "; nothing was changed", false);
    } catch (IOException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), e.getMessage() + "; nothing was changed", true);
    }
    try (host) {
      synchronized (SERVER_LOCKS.computeIfAbsent(server(f), k -> new Object())) {
        return deploy(host, bundle, names);
      }
    }
  }

  /** Which nginx server a frontend is: its SSH login, or this machine. */
  private static String server(Frontend f) {
    return f.ssh().map(s -> s.user() + "@" + s.host() + ":" + s.port()).orElse("local");
  }

  private FrontendOutcome deploy(Host host, CertificateBundle bundle, List<String> names) {
    String newSha = bundle.sha256();
    Optional<byte[]> oldCert;
    Optional<byte[]> oldKey;
    try {
      oldCert = host.read(f.certificatePath());
      oldKey = host.read(f.keyPath());
      if (f.address().isEmpty() && oldCert.flatMap(Pem::firstCertificateSha256).filter(newSha::equals).isPresent()
          && oldKey.isPresent() && Arrays.equals(oldKey.get(), Pem.privateKey(bundle.privateKey()))) {
        return FrontendOutcome.unchanged(f.name(), newSha, f.certificatePath() + " on " + host.describe() + " already holds it");
      }
      if (oldCert.flatMap(Pem::firstCertificateSha256).filter(newSha::equals).isPresent()) {
        // A run that stopped half-way left the new pair live: the pair to fall back to is in .prev, keep it.
        oldCert = host.read(f.previousCertificatePath()).or(() -> live(host, f.certificatePath()));
        oldKey = host.read(f.previousKeyPath()).or(() -> live(host, f.keyPath()));
      } else {
        keepPrevious(host, oldCert, oldKey);
      }
    } catch (IOException | UncheckedIOException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), "could not read or keep the previous certificate on "
          + host.describe() + ": " + e.getMessage() + "; nothing was changed", true);
    }
    Optional<String> oldSha = oldCert.flatMap(Pem::firstCertificateSha256);
    try {
      host.writeAtomically(f.keyPath(), Pem.privateKey(bundle.privateKey()), f.keySpec());
      host.writeAtomically(f.certificatePath(), Pem.certificates(bundle.fullChain()), f.certificateSpec());
      step(host, "config test", f.testCommand());
      long logMark = logSize(host);
      step(host, "reload", f.reloadCommand());
      Optional<String> wrong = prove(names, newSha);
      if (wrong.isPresent()) {
        throw new StepFailedException("the reload exited 0 but was not applied: " + wrong.get() + " after "
            + f.proveTimeout().toMillis() + " ms" + errorLogSince(host, logMark));
      }
      String how = f.address().map(a -> "proven by handshake to " + a).orElse("reloaded (no address to prove it)");
      return FrontendOutcome.updated(f.name(), newSha, how);
    } catch (StepFailedException | IOException | RuntimeException e) {
      LOG.debug("frontend {}: rolling back after: {}", f.name(), e.getMessage());
      return rollback(host, e.getMessage(), oldCert, oldKey, oldSha, names);
    }
  }

  private static Optional<byte[]> live(Host host, String path) {
    try {
      return host.read(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void keepPrevious(Host host, Optional<byte[]> oldCert, Optional<byte[]> oldKey) throws IOException {
    if (oldKey.isPresent()) {
      host.writeAtomically(f.previousKeyPath(), oldKey.get(), f.keySpec());
    }
    if (oldCert.isPresent()) {
      host.writeAtomically(f.previousCertificatePath(), oldCert.get(), f.certificateSpec());
    }
  }

  private FrontendOutcome rollback(Host host, String failure, Optional<byte[]> oldCert, Optional<byte[]> oldKey,
                                   Optional<String> oldSha, List<String> names) {
    String what = failure + "; ";
    try {
      restore(host, f.keyPath(), oldKey, f.keySpec());
      restore(host, f.certificatePath(), oldCert, f.certificateSpec());
    } catch (IOException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), what + "ROLLBACK FAILED: the previous files could not be "
          + "restored (" + e.getMessage() + "); they are kept as " + f.previousCertificatePath() + " and "
          + f.previousKeyPath(), true);
    }
    try {
      CommandResult r = host.run(f.reloadCommand(), f.commandTimeout());
      if (!r.succeeded()) {
        return FrontendOutcome.failed(f.name(), Optional.empty(), what + "previous files restored, but reloading them failed (exit "
            + r.exitStatus() + "): " + clip(r.output()), true);
      }
    } catch (IOException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), what + "previous files restored, but the reload failed: "
          + e.getMessage(), true);
    }
    if (oldCert.isEmpty()) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), what + "there was no previous certificate; the new files were removed", true);
    }
    if (f.address().isEmpty() || oldSha.isEmpty()) {
      return FrontendOutcome.failed(f.name(), oldSha, what + "rolled back: previous files restored and reloaded", true);
    }
    Optional<String> wrong = prove(names, oldSha.get());
    if (wrong.isPresent()) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), what + "ROLLBACK NOT PROVEN: previous files restored and reloaded, but "
          + wrong.get(), true);
    }
    return FrontendOutcome.failed(f.name(), oldSha, what + "rolled back: previous files restored, reloaded, and "
        + f.address().get() + " serves the previous certificate again", true);
  }

  private static void restore(Host host, String path, Optional<byte[]> old, FileSpec spec) throws IOException {
    if (old.isPresent()) {
      host.writeAtomically(path, old.get(), spec);
    } else {
      host.delete(path);
    }
  }

  private void step(Host host, String step, String command) throws IOException, StepFailedException {
    CommandResult r = host.run(command, f.commandTimeout());
    LOG.debug("frontend {}: {} `{}` exited {}", f.name(), step, command, r.exitStatus());
    if (!r.succeeded()) {
      throw new StepFailedException(step + " `" + command + "` on " + host.describe() + " failed (exit "
          + r.exitStatus() + "): " + clip(r.output()));
    }
  }

  /**
   * Handshakes with every name until all serve {@code sha256} {@value #STABLE} times in a row, or the
   * prove timeout passes. In a row, because a graceful reload lets old workers accept connections for
   * a moment after the new ones serve: one good handshake does not prove the next one is good. The
   * wait is counted in attempts, not read off the clock, so it ends even when the clock stands still.
   *
   * @return empty when proven (or when there is no address to prove it at); else what is served instead
   */
  Optional<String> prove(List<String> names, String sha256) {
    if (f.address().isEmpty()) {
      return Optional.empty();
    }
    long attempts = Math.max(1, f.proveTimeout().toMillis() / Math.max(1, f.proveInterval().toMillis()));
    int streak = 0;
    Map<String, String> wrong = Map.of();
    for (long i = 0; i <= attempts; i++) {
      wrong = mismatches(names, sha256);
      streak = wrong.isEmpty() ? streak + 1 : 0;
      if (streak >= STABLE) {
        return Optional.empty();
      }
      if (i == attempts) {
        break;
      }
      try {
        sleeper.sleep(streak > 0 ? STABLE_GAP.compareTo(f.proveInterval()) < 0 ? STABLE_GAP : f.proveInterval()
            : f.proveInterval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while waiting for " + f.address().get() + " to serve " + sha256);
      }
    }
    if (wrong.isEmpty()) {
      return Optional.empty(); // good at the end, only the streak fell short
    }
    return Optional.of(f.address().get() + " serves " + wrong.entrySet().stream()
        .map(e -> e.getValue() + " for " + e.getKey()).collect(Collectors.joining(", ")) + " instead of " + sha256);
  }

  /** Names whose handshake does not show {@code sha256}, with what they show instead. */
  private Map<String, String> mismatches(List<String> names, String sha256) {
    Address a = f.address().orElseThrow();
    Map<String, String> wrong = new LinkedHashMap<>();
    for (String name : names) {
      String label = name == null ? "(no SNI)" : name;
      try {
        String served = probe.sha256(a.host(), a.port(), name);
        if (!served.equals(sha256)) {
          wrong.put(label, served);
        }
      } catch (IOException e) {
        wrong.put(label, "nothing (" + e.getMessage() + ")");
      }
    }
    return wrong;
  }

  /** The configured SNI names, else the certificate's own (a wildcard cannot be asked for). */
  List<String> names(CertificateBundle bundle) {
    List<String> names = new ArrayList<>(f.serverNames().isEmpty() ? bundle.names() : f.serverNames());
    names.removeIf(n -> n.startsWith("*"));
    if (names.isEmpty()) {
      names.add(null);
    }
    return names;
  }

  private long logSize(Host host) {
    try {
      return f.errorLog().isPresent() ? host.size(f.errorLog().get()).orElse(0L) : 0L;
    } catch (IOException e) {
      return 0L;
    }
  }

  /** What nginx wrote to its error log since the reload: where it says why a reload was not applied. */
  private String errorLogSince(Host host, long mark) {
    if (f.errorLog().isEmpty()) {
      return " (set errorLog to see nginx's reason here)";
    }
    try {
      String text = new String(host.readFrom(f.errorLog().get(), mark, 64 * 1024), StandardCharsets.UTF_8);
      List<String> serious = text.lines().filter(l -> l.matches(".*\\[(emerg|alert|crit|error)].*")).distinct()
          .collect(Collectors.toList());
      String lines = String.join("\n", serious.isEmpty() ? text.lines().collect(Collectors.toList()) : serious).strip();
      return lines.isEmpty() ? "; " + f.errorLog().get() + " has nothing new" : "; nginx error log: " + clip(lines);
    } catch (IOException e) {
      return "; " + f.errorLog().get() + " could not be read: " + e.getMessage();
    }
  }

  private static String clip(String text) {
    return text.length() <= MAX_OUTPUT ? text : text.substring(0, MAX_OUTPUT) + " ...";
  }

  /** A test, reload or proof failed; the message carries nginx's own words. */
  static final class StepFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    StepFailedException(String message) { super(message); }
  }
}
