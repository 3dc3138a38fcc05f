package io.certferry.provider.nginx;

import io.certferry.core.ProviderContext;
import io.certferry.core.Sleeper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.VerifyResult;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One or more nginx frontends that serve the same certificate (type {@code nginx}). A deploy goes to
 * every frontend in parallel; each is tested, reloaded, proven by TLS handshake and rolled back on its
 * own, so one failing frontend never stops the others. The receipt's {@code details} (or the
 * exception's message) say which frontend serves which certificate.
 *
 * <pre>
 * DeployTarget t = NginxTarget.builder("frontends", context).frontend(web1).frontend(web2).build();
 * </pre>
 */
public final class NginxTarget implements DeployTarget {
  private static final int MAX_PARALLEL = 16;

  private final String id;
  private final List<Frontend> frontends;
  private final HostOpener opener;
  private final ServedCertificates probe;
  private final Clock clock;
  private final Sleeper sleeper;

  private NginxTarget(Builder b) {
    this.id = b.id;
    this.frontends = List.copyOf(b.frontends);
    this.opener = b.opener;
    this.probe = b.probe;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /** A target on the context's clock, sleeper and TLS probe (what each frontend serves is proven through it). */
  public static Builder builder(String id, ProviderContext context) { return new Builder(id, context); }

  @Override
  public String id() { return id; }

  public List<Frontend> frontends() { return frontends; }

  /**
   * The served fingerprint when every frontend serves the same one (one handshake each, or one file
   * read each where no address is configured); empty when they differ or one cannot tell.
   *
   * @throws DeployException when a frontend's SSH host key is refused: only a config change helps
   */
  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    List<Optional<String>> each = new ArrayList<>();
    for (Frontend f : frontends) {
      each.add(fingerprint(f));
    }
    if (each.isEmpty() || each.stream().anyMatch(Optional::isEmpty)) {
      return Optional.empty();
    }
    return each.stream().map(Optional::get).distinct().count() == 1 ? each.get(0) : Optional.empty();
  }

  private Optional<String> fingerprint(Frontend f) throws DeployException {
    if (f.address().isPresent()) {
      Address a = f.address().get();
      String sni = f.serverNames().isEmpty() ? null : f.serverNames().get(0);
      try {
        return Optional.of(probe.sha256(a.host(), a.port(), sni));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    try (Host host = opener.open(f)) {
      return host.read(f.certificatePath()).flatMap(Pem::firstCertificateSha256);
    } catch (HostKeyRejectedException e) {
      throw new DeployException("nginx target '" + id + "', frontend " + f.name() + ": " + e.getMessage(), false, null, e);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Deploys to every frontend in parallel. A frontend that already serves the certificate is left alone.
   *
   * @throws DeployException when any frontend failed; its message lists every frontend and what it serves
   */
  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    List<FrontendOutcome> outcomes = onEachFrontend(f -> new FrontendDeployer(f, opener, probe, clock, sleeper).deploy(bundle));
    String lines = outcomes.stream().map(FrontendOutcome::line).collect(Collectors.joining("; "));
    List<FrontendOutcome> failed = outcomes.stream().filter(FrontendOutcome::failed).collect(Collectors.toList());
    if (!failed.isEmpty()) {
      boolean retryable = failed.stream().allMatch(FrontendOutcome::retryable);
      throw new DeployException("nginx target '" + id + "': " + failed.size() + " of " + outcomes.size()
          + " frontends failed to take " + bundle.sha256() + ". " + lines, retryable, null, null);
    }
    boolean changed = outcomes.stream().anyMatch(o -> o.status() == FrontendOutcome.Status.UPDATED);
    Map<String, String> details = new LinkedHashMap<>();
    outcomes.forEach(o -> details.put("frontend." + o.name(), o.status().name().toLowerCase(Locale.ROOT)
        + " " + o.serving().orElse("") + " (" + o.message() + ")"));
    String summary = (changed ? "deployed to " : "already on ") + outcomes.size() + " nginx frontend(s): " + lines;
    return new DeployReceipt(id, bundle.sha256(), clock.instant(), changed, summary, details);
  }

  /** Shakes hands with every name on every frontend that has an address; reads the file on the others. */
  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    List<String> wrong = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    String firstServed = null;
    for (Frontend f : frontends) {
      FrontendDeployer d = new FrontendDeployer(f, opener, probe, clock, sleeper);
      if (f.address().isPresent()) {
        if (d.prove(d.names(bundle), bundle.sha256()).isEmpty()) {
          continue; // served steadily; a single handshake could land on a worker that is still winding down
        }
        for (String name : d.names(bundle)) {
          VerifyResult r = verifyOne(f.address().get(), name, bundle.sha256());
          if (r.status() == VerifyResult.Status.MISMATCH) {
            wrong.add(f.name() + ": " + r.message());
            firstServed = firstServed == null ? r.served().orElse(null) : firstServed;
          } else if (r.status() == VerifyResult.Status.UNREACHABLE) {
            unreachable.add(f.name() + ": " + r.message());
          }
        }
      } else {
        Optional<String> held = fingerprint(f);
        if (held.isEmpty()) {
          unreachable.add(f.name() + ": " + f.certificatePath() + " could not be read");
        } else if (!held.get().equals(bundle.sha256())) {
          wrong.add(f.name() + ": " + f.certificatePath() + " holds " + held.get());
          firstServed = firstServed == null ? held.get() : firstServed;
        }
      }
    }
    if (!wrong.isEmpty()) {
      return VerifyResult.mismatch(bundle.sha256(), firstServed, String.join("; ", wrong));
    }
    if (!unreachable.isEmpty()) {
      return VerifyResult.unreachable(String.join("; ", unreachable));
    }
    return VerifyResult.ok("all " + frontends.size() + " nginx frontend(s) of " + id + " serve " + bundle.sha256());
  }

  private VerifyResult verifyOne(Address a, String name, String expected) {
    String label = name == null ? "(no SNI)" : name;
    try {
      String served = probe.sha256(a.host(), a.port(), name);
      return served.equals(expected)
          ? VerifyResult.ok(a + " serves " + expected + " for " + label)
          : VerifyResult.mismatch(expected, served, a + " serves " + served + " for " + label + ", expected " + expected);
    } catch (IOException e) {
      return VerifyResult.unreachable("TLS handshake to " + a + " for " + label + " failed: " + e.getMessage());
    }
  }

  private List<FrontendOutcome> onEachFrontend(Function<Frontend, FrontendOutcome> work) {
    if (frontends.size() == 1) {
      return List.of(work.apply(frontends.get(0)));
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(frontends.size(), MAX_PARALLEL), r -> {
      Thread t = new Thread(r, "certferry-nginx-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<FrontendOutcome>> futures = new ArrayList<>();
      frontends.forEach(f -> futures.add(pool.submit(() -> work.apply(f))));
      List<FrontendOutcome> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        out.add(await(futures.get(i), frontends.get(i)));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private static FrontendOutcome await(Future<FrontendOutcome> future, Frontend f) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return FrontendOutcome.failed(f.name(), Optional.empty(), "interrupted before it finished", true);
    } catch (ExecutionException e) {
      return FrontendOutcome.failed(f.name(), Optional.empty(), "unexpected error: " + e.getCause(), true);
    }
  }

  @Override
  public String toString() {
    return "NginxTarget{" + id + ", frontends=" + frontends.stream().map(Frontend::name).collect(Collectors.toList()) + "}";
  }

  /** Builds an {@link NginxTarget}; by default real SSH, and the context's clock, sleeper and TLS probe. */
  public static final class Builder {
    private final String id;
    private final List<Frontend> frontends = new ArrayList<>();
    private HostOpener opener = HostOpener.DEFAULT;
    private ServedCertificates probe;
    private Clock clock;
    private Sleeper sleeper;

    private Builder(String id, ProviderContext context) {
      this.id = Objects.requireNonNull(id, "id");
      this.probe = context.tlsProbe()::servedFingerprint;
      this.clock = context.clock();
      this.sleeper = context.sleeper();
    }

    public Builder frontend(Frontend f) { frontends.add(Objects.requireNonNull(f)); return this; }

    public Builder frontends(List<Frontend> fs) { fs.forEach(this::frontend); return this; }

    public Builder hostOpener(HostOpener o) { this.opener = Objects.requireNonNull(o); return this; }

    public Builder servedCertificates(ServedCertificates p) { this.probe = Objects.requireNonNull(p); return this; }

    public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }

    public Builder sleeper(Sleeper s) { this.sleeper = Objects.requireNonNull(s); return this; }

    public NginxTarget build() {
      if (frontends.isEmpty()) {
        throw new IllegalStateException("nginx target '" + id + "' needs at least one frontend");
      }
      return new NginxTarget(this);
    }
  }
}
