package io.certferry.provider.digitalocean;

import io.certferry.core.deploy.EndpointCheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.certferry.core.x509.CertificateChecks;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A DigitalOcean Spaces CDN endpoint ({@code digitalocean-cdn}) with a custom domain: reuses the
 * certificate a load balancer target uploaded (same SHA-1) or uploads it, then
 * {@code PUT /v2/cdn/endpoints/{id}} with {@code certificate_id} and {@code custom_domain}. Every CDN call
 * waits for the client-side limit of 5 requests per 10 seconds DigitalOcean sets for these endpoints.
 */
final class DigitalOceanCdnTarget implements DeployTarget, Discoverable, PassAware, Diagnosable {
  private final DigitalOceanSettings settings;
  private final DigitalOceanApi api;
  private final DigitalOceanCertificates certificates;
  private final EndpointCheck tls;
  private final Clock clock;

  DigitalOceanCdnTarget(DigitalOceanSettings settings, DigitalOceanApi api, DigitalOceanCertificates certificates,
                        EndpointCheck tls, Clock clock) {
    this.settings = settings;
    this.api = api;
    this.certificates = certificates;
    this.tls = tls;
    this.clock = clock;
  }

  @Override
  public String id() { return settings.id(); }

  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    JsonNode endpoint = api.sharedCdnEndpoint(settings.endpointId());
    String certId = endpoint.path("certificate_id").asText("");
    if (certId.isEmpty() || !settings.customDomain().equalsIgnoreCase(endpoint.path("custom_domain").asText())) {
      return Optional.empty();
    }
    return certificates.knownSha256(certId);
  }

  /** The endpoint's certificate, as the API and a handshake with its custom domain tell; none without one. */
  @Override
  public List<ServedCertificate> discover() throws DeployException {
    JsonNode endpoint = api.cdnEndpoint(settings.endpointId());
    String certId = endpoint.path("certificate_id").asText("");
    if (certId.isEmpty()) {
      return List.of();
    }
    String place = "CDN endpoint " + settings.endpointId() + " (" + endpoint.path("custom_domain").asText("no custom domain") + ")";
    return List.of(DigitalOceanDiscovery.withHandshake(DigitalOceanDiscovery.facts(api.certificate(certId), place,
        certificates.knownSha256(certId)), tls));
  }

  /** The token is accepted, the CDN endpoint exists, and the certificate covers its custom domain. */
  @Override
  public List<CheckResult> diagnose(List<String> names) {
    String check = "target " + id();
    List<CheckResult> out = new ArrayList<>();
    if (!DigitalOceanDoctor.token(check, api, settings, out)) {
      return out;
    }
    JsonNode endpoint;
    try {
      endpoint = api.cdnEndpoint(settings.endpointId());
    } catch (DeployException e) {
      out.add(CheckResult.fail(check, "CDN endpoint", e.getMessage(), "set endpointId to one that `doctl compute cdn "
          + "list` shows for this token's team"));
      return out;
    }
    String domain = settings.customDomain();
    String has = endpoint.path("custom_domain").asText("");
    out.add(has.isEmpty() || has.equalsIgnoreCase(domain)
        ? CheckResult.ok(check, "CDN endpoint", settings.endpointId() + " (" + endpoint.path("origin").asText() + ") exists"
            + (has.isEmpty() ? "; the first deploy sets its custom domain " + domain : " with custom domain " + domain))
        : CheckResult.warn(check, "CDN endpoint", settings.endpointId() + " serves custom domain " + has + "; the first "
            + "deploy changes it to " + domain, "set customDomain to " + has + " if that is the one it should keep"));
    out.add(CheckResult.ok(check, "custom domain", domain));
    if (!CertificateChecks.covers(names, domain)) {
      out.set(out.size() - 1, CheckResult.fail(check, "custom domain", domain + " is not among the certificate's names ("
          + String.join(", ", names) + ")", "add " + domain + " to the certificate's domains, or fix the target's customDomain"));
    } else {
      out.set(out.size() - 1, CheckResult.ok(check, "custom domain", domain + " is one of the certificate's names"));
    }
    return out;
  }

  /** The custom domain set and its certificate the bundle's (by SHA-1): from the pass's lists. */
  @Override
  public Optional<Boolean> serves(String sha256, Supplier<CertificateBundle> bundle) throws DeployException {
    JsonNode endpoint = api.sharedCdnEndpoint(settings.endpointId());
    String certId = endpoint.path("certificate_id").asText("");
    if (certId.isEmpty() || !settings.customDomain().equalsIgnoreCase(endpoint.path("custom_domain").asText())) {
      return Optional.of(false);
    }
    return Optional.of(certificates.isBundle(certId, sha256, bundle));
  }

  @Override
  public void passStarted(long pass) { api.passStarted(pass); }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    if (!covers(bundle, settings.customDomain())) {
      throw new DeployException("target " + id() + ": the certificate (" + String.join(", ", bundle.names())
          + ") does not cover the CDN custom domain " + settings.customDomain()
          + "; add the name to the certificate or fix the target's customDomain", false, null, null);
    }
    String lineage = DigitalOceanCertificates.lineage(settings.lineage(), bundle);
    JsonNode endpoint = api.cdnEndpoint(settings.endpointId()); // first: an unknown id must not leave an upload behind
    DigitalOceanCertificates.Uploaded cert = certificates.findOrUpload(lineage, bundle);
    boolean changed = !cert.id().equals(endpoint.path("certificate_id").asText())
        || !settings.customDomain().equalsIgnoreCase(endpoint.path("custom_domain").asText());
    if (changed) {
      ObjectNode body = api.object().put("certificate_id", cert.id()).put("custom_domain", settings.customDomain());
      if (endpoint.hasNonNull("ttl")) {
        body.put("ttl", endpoint.get("ttl").asInt()); // keep the TTL: an unsent one falls back to 3600
      }
      api.updateCdnEndpoint(settings.endpointId(), body);
    }
    DigitalOceanCertificates.Cleanup cleanup = certificates.removeUnused(lineage, cert);
    String summary = "CDN endpoint " + settings.endpointId() + " (" + settings.customDomain() + ") "
        + (changed ? "now uses" : "already uses") + " certificate " + cert.name()
        + (cert.created() ? " (uploaded)" : "") + cleanup.summary();
    return new DeployReceipt(id(), bundle.sha256(), clock.instant(), changed || cert.created() || !cleanup.deleted().isEmpty(),
        summary, Map.of("certificateId", cert.id(), "certificateName", cert.name()));
  }

  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    return tls.verify(id(), bundle, settings.customDomain());
  }

  /** Whether a DNS name is one of the bundle's names, directly or through a one-label wildcard. */
  static boolean covers(CertificateBundle bundle, String domain) {
    String d = domain.toLowerCase(Locale.ROOT);
    for (String n : bundle.names()) {
      if (n.equals(d)) {
        return true;
      }
      if (n.startsWith("*.")) {
        int dot = d.indexOf('.');
        if (dot > 0 && d.substring(dot + 1).equals(n.substring(2))) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() { return "DigitalOceanCdnTarget{" + id() + ", endpoint=" + settings.endpointId() + "}"; }
}
