package io.certferry.provider.digitalocean;

import io.certferry.core.Sleeper;
import io.certferry.core.deploy.EndpointCheck;

import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.deploy.DeployReceipt;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.Discoverable;
import io.certferry.core.deploy.ServedCertificate;
import io.certferry.core.deploy.PassAware;
import io.certferry.core.deploy.VerifyResult;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Diagnosable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A DigitalOcean load balancer ({@code digitalocean-lb}): uploads the bundle as a {@code custom}
 * certificate (or reuses the one with the same SHA-1), points the TLS forwarding rules at it with one
 * {@code PUT} built from a fresh {@code GET}, waits until the load balancer is {@code active} again, and
 * deletes this tool's older certificates for the lineage that nothing uses any more. Whether it serves a
 * bundle is answered from the pass's shared lists, so the lineages on one load balancer cost one read.
 */
final class DigitalOceanLoadBalancerTarget implements DeployTarget, Discoverable, PassAware, Diagnosable {
  private final DigitalOceanSettings settings;
  private final DigitalOceanApi api;
  private final DigitalOceanCertificates certificates;
  private final EndpointCheck tls;
  private final Clock clock;
  private final Sleeper sleeper;

  DigitalOceanLoadBalancerTarget(DigitalOceanSettings settings, DigitalOceanApi api, DigitalOceanCertificates certificates,
                                 EndpointCheck tls, Clock clock, Sleeper sleeper) {
    this.settings = settings;
    this.api = api;
    this.certificates = certificates;
    this.tls = tls;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public String id() { return settings.id(); }

  /**
   * One GET of the load balancer. The SHA-256 is known for certificates this process uploaded or matched;
   * for others (after a restart) this answers empty and the deployer's {@link #deploy} finds the upload by
   * SHA-1 and changes nothing.
   */
  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    Set<String> ids = selectedCertificateIds(api.sharedLoadBalancer(settings.loadBalancerId()));
    return ids.size() == 1 ? certificates.knownSha256(ids.iterator().next()) : Optional.empty();
  }

  /** The certificate of each TLS rule (rules sharing one are listed together), as the API and a handshake tell. */
  @Override
  public List<ServedCertificate> discover() throws DeployException {
    Map<String, List<String>> rulesByCertificate = new LinkedHashMap<>();
    for (JsonNode r : rules(api.loadBalancer(settings.loadBalancerId()))) {
      String id = r.path("certificate_id").asText("");
      if (!id.isEmpty()) {
        rulesByCertificate.computeIfAbsent(id, k -> new ArrayList<>())
            .add(r.path("entry_protocol").asText() + " " + r.path("entry_port").asInt());
      }
    }
    List<ServedCertificate> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> e : rulesByCertificate.entrySet()) {
      String place = "load balancer " + settings.loadBalancerId() + " (" + String.join(", ", e.getValue()) + ")";
      out.add(DigitalOceanDiscovery.withHandshake(DigitalOceanDiscovery.facts(api.certificate(e.getKey()), place,
          certificates.knownSha256(e.getKey())), tls));
    }
    return out;
  }

  /** The token is accepted, the load balancer exists and has HTTPS/HTTP2/HTTP3 rules on the configured ports. */
  @Override
  public List<CheckResult> diagnose(List<String> names) {
    String check = "target " + id();
    List<CheckResult> out = new ArrayList<>();
    if (!DigitalOceanDoctor.token(check, api, settings, out)) {
      return out;
    }
    JsonNode lb;
    try {
      lb = api.loadBalancer(settings.loadBalancerId());
    } catch (DeployException e) {
      out.add(CheckResult.fail(check, "load balancer", e.getMessage(), "set loadBalancerId to one that `doctl compute "
          + "load-balancer list` shows for this token's team"));
      return out;
    }
    out.add(CheckResult.ok(check, "load balancer", settings.loadBalancerId() + " (" + lb.path("name").asText() + ") exists"));
    List<String> rules = rules(lb).stream().map(r -> r.path("entry_protocol").asText() + " " + r.path("entry_port").asInt()).toList();
    out.add(rules.isEmpty() ? CheckResult.fail(check, "forwarding rules", "no https/http2/http3 rule"
            + (settings.entryPorts().isEmpty() ? "" : " on entry ports " + settings.entryPorts()),
            "add an HTTPS forwarding rule in the control panel, or fix the target's entryPorts")
        : CheckResult.ok(check, "forwarding rules", String.join(", ", rules)));
    return out;
  }

  /** Every selected rule on one certificate, and that certificate the bundle's (by SHA-1): from the pass's lists. */
  @Override
  public Optional<Boolean> serves(String sha256, Supplier<CertificateBundle> bundle) throws DeployException {
    JsonNode lb = api.sharedLoadBalancer(settings.loadBalancerId());
    Set<String> ids = selectedCertificateIds(lb);
    if (countSelected(lb) == 0 || ids.size() != 1 || countWith(lb, ids.iterator().next()) < countSelected(lb)) {
      return Optional.of(false);
    }
    return Optional.of(certificates.isBundle(ids.iterator().next(), sha256, bundle));
  }

  @Override
  public void passStarted(long pass) { api.passStarted(pass); }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    synchronized (api.writeLock("lb/" + settings.loadBalancerId())) {
      return deployLocked(bundle);
    }
  }

  private DeployReceipt deployLocked(CertificateBundle bundle) throws DeployException {
    String lineage = DigitalOceanCertificates.lineage(settings.lineage(), bundle);
    // Read the load balancer first: an unknown id or a missing TLS rule must not leave an upload behind.
    JsonNode lb = api.loadBalancer(settings.loadBalancerId());
    if (countSelected(lb) == 0) {
      throw new DeployException("load balancer " + settings.loadBalancerId() + " (" + lb.path("name").asText()
          + ") has no https/http2/http3 forwarding rule" + (settings.entryPorts().isEmpty() ? "" : " on entry ports "
          + settings.entryPorts()) + "; add one in the control panel or fix the target's entryPorts", false, null, null);
    }
    DigitalOceanCertificates.Uploaded cert = certificates.findOrUpload(lineage, bundle);
    boolean changed = countWith(lb, cert.id()) < countSelected(lb);
    if (changed) {
      JsonNode updated = api.updateLoadBalancer(settings.loadBalancerId(),
          LoadBalancerUpdate.body(lb, settings.entryPorts(), cert.id()));
      if (updated == null || !"active".equals(updated.path("status").asText())) {
        awaitActive();
      }
    }
    DigitalOceanCertificates.Cleanup cleanup = certificates.removeUnused(lineage, cert);
    String summary = (changed ? "load balancer " + settings.loadBalancerId() + " now uses certificate " + cert.name()
        : "load balancer " + settings.loadBalancerId() + " already uses certificate " + cert.name())
        + (cert.created() ? " (uploaded)" : "") + cleanup.summary();
    return new DeployReceipt(id(), bundle.sha256(), clock.instant(), changed || cert.created() || !cleanup.deleted().isEmpty(),
        summary, Map.of("certificateId", cert.id(), "certificateName", cert.name()));
  }

  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    Optional<String> host = bundle.names().stream().filter(n -> !n.startsWith("*")).findFirst();
    if (tls.enabled() && tls.host() == null && host.isEmpty()) {
      return VerifyResult.skipped("target " + id() + ": the certificate has only wildcard names; set verifyHost to check it");
    }
    return tls.verify(id(), bundle, host.orElse(null));
  }

  /** Polls until the load balancer is {@code active}, as terraform does after an update. */
  private void awaitActive() throws DeployException {
    Instant deadline = clock.instant().plusSeconds(settings.activeTimeoutSeconds());
    Duration pause = Duration.ofSeconds(3);
    while (true) {
      JsonNode lb = api.loadBalancer(settings.loadBalancerId());
      String status = lb.path("status").asText();
      if (status.equals("active")) {
        return;
      }
      if (status.equals("errored")) {
        throw new DeployException("load balancer " + settings.loadBalancerId()
            + " went to status 'errored' after the certificate change; check it in the control panel");
      }
      if (clock.instant().plus(pause).isAfter(deadline)) {
        throw new DeployException("load balancer " + settings.loadBalancerId() + " is still '" + status + "' after "
            + settings.activeTimeoutSeconds() + " s; the change was sent and will be checked again on the next run");
      }
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("interrupted while waiting for load balancer " + settings.loadBalancerId());
      }
      pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : pause.multipliedBy(2);
    }
  }

  private Set<String> selectedCertificateIds(JsonNode lb) {
    Set<String> ids = new HashSet<>();
    for (JsonNode r : rules(lb)) {
      String id = r.path("certificate_id").asText("");
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    return ids;
  }

  private int countSelected(JsonNode lb) { return rules(lb).size(); }

  private int countWith(JsonNode lb, String certId) {
    return (int) rules(lb).stream().filter(r -> certId.equals(r.path("certificate_id").asText())).count();
  }

  private List<JsonNode> rules(JsonNode lb) {
    List<JsonNode> out = new ArrayList<>();
    lb.path("forwarding_rules").forEach(r -> {
      if (LoadBalancerUpdate.selected(r, settings.entryPorts())) {
        out.add(r);
      }
    });
    return out;
  }

  @Override
  public String toString() { return "DigitalOceanLoadBalancerTarget{" + id() + ", lb=" + settings.loadBalancerId() + "}"; }
}
