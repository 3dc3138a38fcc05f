package io.certferry.provider.nginx;

import io.certferry.core.ProviderContext;
import io.certferry.core.Sleeper;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Discoverable;
import io.certferry.core.deploy.ServedCertificate;
import io.certferry.core.deploy.TlsProbe;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Diagnosable;
import io.certferry.core.deploy.HostInventory;
import io.certferry.core.deploy.VerifyResult;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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
 * <p>The frontends are listed, or found on every pass in a {@link HostInventory} (the droplets carrying a
 * DigitalOcean tag): a frontend booted from the image gets the current certificate on its first pass, because a
 * frontend set unlike the one last deployed to is deployed to again (each frontend already serving the
 * certificate is left alone), and a removed one drops out of the receipt and so out of the status.
 *
 * <pre>
 * DeployTarget t = NginxTarget.builder("frontends", context).frontend(web1).frontend(web2).build();
 * DeployTarget tagged = NginxTarget.builder("web", context).frontendsFrom(inventory, host -> frontendFor(host)).build();
 * </pre>
 */
public final class NginxTarget implements DeployTarget, Discoverable, Diagnosable {
  private static final int MAX_PARALLEL = 16;

  private final String id;
  private final List<Frontend> frontends;
  private final HostInventory inventory;
  private final Function<HostInventory.Host, Frontend> frontendOf;
  /** The frontends the last deploy reached, by name; null before the first (a restart deploys once to learn it). */
  private volatile Set<String> deployedTo;
  private final HostOpener opener;
  private final ServedCertificates probe;
  private final TlsProbe chains;
  private final Clock clock;
  private final Sleeper sleeper;

  private NginxTarget(Builder b) {
    this.id = b.id;
    this.frontends = List.copyOf(b.frontends);
    this.inventory = b.inventory;
    this.frontendOf = b.frontendOf;
    this.opener = b.opener;
    this.probe = b.probe;
    this.chains = b.chains;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /** A target on the context's clock, sleeper and TLS probe (what each frontend serves is proven through it). */
  public static Builder builder(String id, ProviderContext context) { return new Builder(id, context); }

  @Override
  public String id() { return id; }

  /** The frontends listed in the settings (none when they are found by tag: see {@link #currentFrontends()}). */
  public List<Frontend> frontends() { return frontends; }

  /** The frontends now: the listed ones, and those the inventory lists at this moment. */
  public List<Frontend> currentFrontends() throws DeployException {
    if (inventory == null) {
      return frontends;
    }
    List<Frontend> out = new ArrayList<>(frontends);
    for (HostInventory.Host h : inventory.hosts()) {
      try {
        out.add(frontendOf.apply(h));
      } catch (IllegalArgumentException e) {
        throw new DeployException("nginx target '" + id + "', frontend " + h.name() + " (" + inventory.describe() + "): "
            + e.getMessage(), false, null, e);
      }
    }
    return out;
  }

  /**
   * The served fingerprint when every frontend serves the same one (one handshake each, or one file
   * read each where no address is configured); empty when they differ or one cannot tell, and when the
   * frontends found by tag are not those the last deploy reached.
   *
   * @throws DeployException when a frontend's SSH host key is refused (only a config change helps), or the
   *     inventory cannot be read
   */
  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    List<Frontend> now = currentFrontends();
    if (inventory != null && !names(now).equals(deployedTo)) {
      return Optional.empty();
    }
    List<Optional<String>> each = new ArrayList<>();
    for (Frontend f : now) {
      each.add(fingerprint(f));
    }
    if (each.isEmpty() || each.stream().anyMatch(Optional::isEmpty)) {
      return Optional.empty();
    }
    return each.stream().map(Optional::get).distinct().count() == 1 ? each.get(0) : Optional.empty();
  }

  /**
   * What each frontend serves now: by handshake at its address (for its first SNI name), else the certificate
   * file it reads; a frontend that cannot be asked is listed with the reason.
   */
  @Override
  public List<ServedCertificate> discover() throws DeployException {
    List<ServedCertificate> out = new ArrayList<>();
    for (Frontend f : currentFrontends()) {
      String place = "frontend " + f.name() + " (" + f.address().map(Address::toString).orElse(f.certificatePath()) + ")";
      try {
        Optional<X509Certificate> leaf;
        if (f.address().isPresent()) {
          Address a = f.address().get();
          leaf = Optional.of(chains.servedChain(a.host(), a.port(), f.serverNames().isEmpty() ? null
              : f.serverNames().get(0)).get(0));
        } else {
          try (Host host = opener.open(f)) {
            leaf = host.read(f.certificatePath()).flatMap(Pem::firstCertificate);
          }
        }
        out.add(leaf.map(l -> ServedCertificate.of(place, l)).orElse(nothing(place, "no certificate in "
            + f.certificatePath())));
      } catch (IOException e) {
        out.add(nothing(place, "cannot be asked: " + e.getMessage()));
      }
    }
    return out;
  }

  /** Each frontend in turn (those found by tag too): login, writable folders, the config test, TLS at its address. */
  @Override
  public List<CheckResult> diagnose(List<String> names) {
    String check = "target " + id;
    List<Frontend> fs;
    try {
      fs = currentFrontends();
    } catch (DeployException e) {
      return List.of(CheckResult.fail(check, "frontends", e.getMessage(), "fix the frontends: settings (the tag, its token)"));
    }
    if (fs.isEmpty()) {
      return List.of(CheckResult.warn(check, "frontends", "none now (the tag lists no active droplet)",
          "tag the droplets that run nginx, or list the frontends"));
    }
    FrontendDoctor doctor = new FrontendDoctor(check, opener, chains);
    List<CheckResult> out = new ArrayList<>();
    fs.forEach(f -> out.addAll(doctor.diagnose(f))); // one after another: doctor runs the targets in parallel
    return out;
  }

  private static ServedCertificate nothing(String place, String why) {
    return new ServedCertificate(place, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
        Optional.of(why));
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
    List<Frontend> now = currentFrontends();
    if (now.isEmpty()) {
      throw new DeployException("nginx target '" + id + "': " + inventory.describe() + ": none found, so there is "
          + "nothing to deploy to yet; tag the droplets (active ones are found on the next pass)", true, null, null);
    }
    List<FrontendOutcome> outcomes = onEachFrontend(now,
        f -> new FrontendDeployer(f, opener, probe, clock, sleeper).deploy(bundle));
    String lines = outcomes.stream().map(FrontendOutcome::line).collect(Collectors.joining("; "));
    List<FrontendOutcome> failed = outcomes.stream().filter(FrontendOutcome::failed).collect(Collectors.toList());
    if (!failed.isEmpty()) {
      boolean retryable = failed.stream().allMatch(FrontendOutcome::retryable);
      throw new DeployException("nginx target '" + id + "': " + failed.size() + " of " + outcomes.size()
          + " frontends failed to take " + bundle.sha256() + ". " + lines, retryable, null, null);
    }
    boolean changed = outcomes.stream().anyMatch(o -> o.status() == FrontendOutcome.Status.UPDATED);
    Map<String, String> details = new LinkedHashMap<>();
    outcomes.forEach(o -> details.put(DeployReceipt.FRONTEND + o.name(), o.status().name().toLowerCase(Locale.ROOT)
        + " " + o.serving().orElse("") + " (" + o.message() + ")"));
    deployedTo = names(now);
    String summary = (changed ? "deployed to " : "already on ") + outcomes.size() + " nginx frontend(s): " + lines;
    return new DeployReceipt(id, bundle.sha256(), clock.instant(), changed, summary, details);
  }

  /** Shakes hands with every name on every frontend that has an address; reads the file on the others. */
  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    List<String> wrong = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    String firstServed = null;
    List<Frontend> now = currentFrontends();
    for (Frontend f : now) {
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
    return VerifyResult.ok("all " + now.size() + " nginx frontend(s) of " + id + " serve " + bundle.sha256());
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

  private static Set<String> names(List<Frontend> fs) {
    return fs.stream().map(Frontend::name).collect(Collectors.toCollection(TreeSet::new));
  }

  private List<FrontendOutcome> onEachFrontend(List<Frontend> fs, Function<Frontend, FrontendOutcome> work) {
    if (fs.size() == 1) {
      return List.of(work.apply(fs.get(0)));
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(fs.size(), MAX_PARALLEL), r -> {
      Thread t = new Thread(r, "certferry-nginx-" + id + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<FrontendOutcome>> futures = new ArrayList<>();
      fs.forEach(f -> futures.add(pool.submit(() -> work.apply(f))));
      List<FrontendOutcome> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        out.add(await(futures.get(i), fs.get(i)));
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
    return "NginxTarget{" + id + ", frontends=" + frontends.stream().map(Frontend::name).collect(Collectors.toList())
        + (inventory == null ? "" : " + " + inventory.describe()) + "}";
  }

  /** Builds an {@link NginxTarget}; by default real SSH, and the context's clock, sleeper and TLS probe. */
  public static final class Builder {
    private final String id;
    private final List<Frontend> frontends = new ArrayList<>();
    private HostInventory inventory;
    private Function<HostInventory.Host, Frontend> frontendOf;
    private HostOpener opener = HostOpener.DEFAULT;
    private ServedCertificates probe;
    private TlsProbe chains;
    private Clock clock;
    private Sleeper sleeper;

    private Builder(String id, ProviderContext context) {
      this.id = Objects.requireNonNull(id, "id");
      this.probe = context.tlsProbe()::servedFingerprint;
      this.chains = context.tlsProbe();
      this.clock = context.clock();
      this.sleeper = context.sleeper();
    }

    public Builder frontend(Frontend f) { frontends.add(Objects.requireNonNull(f)); return this; }

    public Builder frontends(List<Frontend> fs) { fs.forEach(this::frontend); return this; }

    /**
     * Frontends found in {@code inventory} on every pass, each made by {@code frontendOf} (which throws
     * {@link IllegalArgumentException} for a host it cannot use), besides any listed ones.
     */
    public Builder frontendsFrom(HostInventory inventory, Function<HostInventory.Host, Frontend> frontendOf) {
      this.inventory = Objects.requireNonNull(inventory);
      this.frontendOf = Objects.requireNonNull(frontendOf);
      return this;
    }

    public Builder hostOpener(HostOpener o) { this.opener = Objects.requireNonNull(o); return this; }

    public Builder servedCertificates(ServedCertificates p) { this.probe = Objects.requireNonNull(p); return this; }

    public Builder clock(Clock c) { this.clock = Objects.requireNonNull(c); return this; }

    public Builder sleeper(Sleeper s) { this.sleeper = Objects.requireNonNull(s); return this; }

    public NginxTarget build() {
      if (frontends.isEmpty() && inventory == null) {
        throw new IllegalStateException("nginx target '" + id + "' needs at least one frontend, or an inventory to find them in");
      }
      return new NginxTarget(this);
    }
  }
}
