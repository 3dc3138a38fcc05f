package io.certferry.provider.netlify;

import io.certferry.core.x509.CertificateChecks;
import io.certferry.core.x509.PemWriter;
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
import io.certferry.core.http.ApiRequest;
import io.certferry.core.doctor.CheckResult;
import io.certferry.core.doctor.Diagnosable;
import io.certferry.core.http.HttpApi;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.http.SharedReads;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A Netlify site's custom certificate ({@code netlify}). Uploads with
 * {@code POST /sites/{site_id}/ssl?certificate=...&key=...&ca_certificates=...}: the official spec puts
 * the PEMs, the private key included, in the query string, so that request is marked sensitive and its
 * URL is never logged or put in an exception. The state is read back with {@code GET /sites/{site_id}/ssl}
 * ({@code domains}, {@code expires_at}).
 *
 * <p>Whether the site serves a version is answered from the site's certificate as this pass read it, once
 * for every target of the token that names the site ({@link SharedReads}); the deploy itself reads fresh.
 * Work past the token's budget waits, unsent, and says until when ({@link DeployException#waiting}).
 */
final class NetlifySiteTarget implements DeployTarget, Discoverable, PassAware, Diagnosable {
  private final NetlifySettings settings;
  private final HttpApi http;
  private final EndpointCheck tls;
  private final Clock clock;
  private final SharedReads reads;
  /** expires_at + domains of what this process uploaded, to the SHA-256 of that leaf. */
  private final Map<String, String> uploaded = new ConcurrentHashMap<>();

  NetlifySiteTarget(NetlifySettings settings, HttpApi http, EndpointCheck tls, Clock clock, SharedReads reads) {
    this.settings = settings;
    this.http = http;
    this.tls = tls;
    this.clock = clock;
    this.reads = reads;
  }

  @Override
  public String id() { return settings.id(); }

  /**
   * One GET. Netlify reports the certificate's names and expiry, not the certificate, so the SHA-256 is
   * known only for what this process uploaded; otherwise empty, and {@link #deploy} compares
   * expiry and names before uploading anything.
   */
  @Override
  public Optional<String> deployedFingerprint() throws DeployException {
    return sharedCertificate().map(NetlifySiteTarget::stateKey).map(uploaded::get);
  }

  /**
   * The site's certificate as Netlify reports it (expiry, names, state), completed by a handshake with the custom
   * domain when the target verifies; none when the site has no certificate.
   */
  @Override
  public List<ServedCertificate> discover() throws DeployException {
    Optional<JsonNode> now = sharedCertificate();
    if (now.isEmpty()) {
      return List.of();
    }
    String domain = customDomain();
    List<String> names = new ArrayList<>();
    now.get().path("domains").forEach(d -> names.add(d.asText().toLowerCase(Locale.ROOT)));
    Optional<Instant> expires;
    try {
      expires = Optional.of(OffsetDateTime.parse(now.get().path("expires_at").asText()).toInstant());
    } catch (DateTimeParseException e) {
      expires = Optional.empty();
    }
    ServedCertificate api = new ServedCertificate("Netlify site " + settings.siteId() + " (" + domain + ")",
        Optional.ofNullable(uploaded.get(stateKey(now.get()))), Optional.empty(), expires, Optional.empty(), names,
        Optional.of("state " + now.get().path("state").asText("?")));
    String host = tls.host() != null ? null : domain;
    return List.of(api.completedBy(tls.served(host), tls.endpoint(host).orElse("?")));
  }

  /** The token reads the site, which has a custom domain the certificate covers. Reads only. */
  @Override
  public List<CheckResult> diagnose(List<String> names) {
    String check = "target " + id();
    String domain;
    try {
      domain = customDomain();
    } catch (DeployException e) {
      return List.of(CheckResult.fail(check, "site " + settings.siteId(), e.getMessage(),
          "fix what the message names; the site's API ID is under Site configuration > Site details"));
    }
    List<CheckResult> out = new ArrayList<>();
    out.add(CheckResult.ok(check, "site " + settings.siteId(), "exists, custom domain " + domain));
    boolean covered = CertificateChecks.covers(names, domain);
    out.add(covered ? CheckResult.ok(check, "custom domain", domain + " is one of the certificate's names")
        : CheckResult.fail(check, "custom domain", "the site's custom domain " + domain + " is not among the certificate's "
            + "names (" + String.join(", ", names) + ")", "add " + domain + " to the certificate's domains, or set the "
            + "site's custom domain to one of its names"));
    return out;
  }

  /**
   * From the pass's read of the site's certificate: what this process uploaded is known by its SHA-256;
   * otherwise the expiry and names are compared with the bundle's, which is only then read from the store.
   */
  @Override
  public Optional<Boolean> serves(String sha256, Supplier<CertificateBundle> bundle) throws DeployException {
    Optional<JsonNode> now = sharedCertificate();
    if (now.isEmpty()) {
      return Optional.of(false);
    }
    String known = uploaded.get(stateKey(now.get()));
    if (known != null) {
      return Optional.of(known.equals(sha256));
    }
    if (!matches(now.get(), bundle.get())) {
      return Optional.of(false);
    }
    uploaded.put(stateKey(now.get()), sha256);
    return Optional.of(true);
  }

  @Override
  public void passStarted(long pass) { reads.passStarted(pass); }

  @Override
  public DeployReceipt deploy(CertificateBundle bundle) throws DeployException {
    String domain = customDomain();
    if (!covers(bundle, domain)) {
      throw new DeployException("Netlify site " + settings.siteId() + ": the certificate (" + String.join(", ", bundle.names())
          + ") does not cover the site's custom domain " + domain + "; add the name to the certificate", false, null, null);
    }
    Optional<JsonNode> now = currentCertificate();
    if (now.isPresent() && matches(now.get(), bundle)) {
      uploaded.put(stateKey(now.get()), bundle.sha256());
      return DeployReceipt.unchanged(id(), bundle.sha256(), clock.instant(),
          "Netlify site " + settings.siteId() + " already serves a certificate for " + domain + " expiring " + bundle.notAfter());
    }
    upload(bundle);
    JsonNode after = currentCertificate().orElseThrow(() -> new DeployException(
        "Netlify site " + settings.siteId() + ": the certificate upload was accepted but the site reports no certificate"));
    if (!matches(after, bundle)) {
      throw new DeployException("Netlify site " + settings.siteId() + ": after the upload the site reports a certificate expiring "
          + after.path("expires_at").asText() + " for " + after.path("domains") + ", not the one sent (expiring "
          + bundle.notAfter() + ")");
    }
    uploaded.put(stateKey(after), bundle.sha256());
    reads.put(sslKey(), Optional.of(after));
    return DeployReceipt.changed(id(), bundle.sha256(), clock.instant(),
        "Netlify site " + settings.siteId() + " now serves the certificate for " + domain + " expiring " + bundle.notAfter());
  }

  @Override
  public VerifyResult verify(CertificateBundle bundle) throws DeployException {
    if (!tls.enabled() || tls.host() != null) {
      return tls.verify(id(), bundle, null);
    }
    return tls.verify(id(), bundle, customDomain());
  }

  private void upload(CertificateBundle bundle) throws DeployException {
    ApiRequest.Builder post = ApiRequest.post("/sites/{site_id}/ssl", settings.siteId())
        .query("certificate", PemWriter.certificates(List.of(bundle.leaf())))
        .secretQuery("key", PemWriter.privateKey(bundle.privateKey()))
        .sensitive()
        .idempotent(true); // sending the same certificate again replaces it with itself
    if (!bundle.chain().isEmpty()) {
      post.query("ca_certificates", PemWriter.certificates(bundle.chain()));
    }
    try {
      http.send(post.build());
    } catch (HttpApiException e) {
      throw map(e, "upload the certificate");
    }
  }

  private String customDomain() throws DeployException {
    JsonNode site;
    try {
      site = http.get("/sites/{site_id}", settings.siteId());
    } catch (HttpApiException e) {
      throw map(e, "read the site");
    }
    String domain = site.path("custom_domain").asText("");
    if (domain.isEmpty()) {
      throw new DeployException("Netlify site " + settings.siteId() + " (" + site.path("name").asText()
          + ") has no custom domain; add one under Domain management before deploying a certificate to it", false, null, null);
    }
    return domain.toLowerCase(Locale.ROOT);
  }

  /** The site's certificate as this pass read it: one GET for every target of the token on this site. */
  private Optional<JsonNode> sharedCertificate() throws DeployException {
    return reads.get(sslKey(), this::currentCertificate);
  }

  private String sslKey() { return "site/" + settings.siteId() + "/ssl"; }

  private Optional<JsonNode> currentCertificate() throws DeployException {
    try {
      JsonNode n = http.get("/sites/{site_id}/ssl", settings.siteId());
      return n.hasNonNull("expires_at") ? Optional.of(n) : Optional.empty();
    } catch (HttpApiException e) {
      if (e.status() == 404) {
        return Optional.empty(); // a site without a certificate
      }
      throw map(e, "read the site's certificate");
    }
  }

  /** Same expiry (to the second) and the same names: Netlify serves this bundle's certificate. */
  private static boolean matches(JsonNode state, CertificateBundle bundle) {
    try {
      Instant expires = OffsetDateTime.parse(state.path("expires_at").asText()).toInstant();
      Set<String> domains = new HashSet<>();
      state.path("domains").forEach(d -> domains.add(d.asText().toLowerCase(Locale.ROOT)));
      return expires.getEpochSecond() == bundle.notAfter().getEpochSecond() && domains.equals(new HashSet<>(bundle.names()));
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  private static String stateKey(JsonNode state) {
    List<String> d = new ArrayList<>();
    state.path("domains").forEach(n -> d.add(n.asText().toLowerCase(Locale.ROOT)));
    Collections.sort(d);
    String expires;
    try {
      expires = String.valueOf(OffsetDateTime.parse(state.path("expires_at").asText()).toEpochSecond());
    } catch (DateTimeParseException e) {
      expires = state.path("expires_at").asText();
    }
    return expires + "|" + String.join(",", d);
  }

  static boolean covers(CertificateBundle bundle, String domain) {
    for (String n : bundle.names()) {
      if (n.equals(domain)) {
        return true;
      }
      int dot = domain.indexOf('.');
      if (n.startsWith("*.") && dot > 0 && domain.substring(dot + 1).equals(n.substring(2))) {
        return true;
      }
    }
    return false;
  }

  /** Netlify's answers turned into what to fix; never the token, never the upload's URL. */
  private DeployException map(HttpApiException e, String what) {
    String api = e.apiMessage().orElse("");
    String prefix = "Netlify: cannot " + what + " of site " + settings.siteId() + " (" + e.answer() + ")";
    String lower = api.toLowerCase(Locale.ROOT);
    return switch (e.status()) {
      case 401 -> new DeployException(prefix + "; the token in " + settings.tokenReference()
          + " is invalid or revoked: create a personal access token under User settings > Applications", false, null, null);
      case 403 -> new DeployException(prefix + "; the token in " + settings.tokenReference()
          + " cannot manage this site: use a token of a team member with access to it", false, null, null);
      case 404 -> new DeployException(prefix + "; check the target's siteId (the site's API ID or name)", false, null, null);
      case 422 -> new DeployException(prefix + "; " + (lower.contains("no custom domain")
          ? "add a custom domain to the site under Domain management first"
          : lower.contains("bad dns") ? "the site's custom domain does not point at Netlify yet: fix its DNS records"
          : lower.contains("key") ? "the private key does not match the certificate or is not PEM"
          : "Netlify refused the certificate"), false, null, null);
      case 429 -> e.resumeAt().isPresent() ? DeployException.waiting(prefix, e.resumeAt().get())
          : new DeployException(prefix + "; Netlify's rate limit is used up, retry later", true,
              e.retryAfter().orElse(null), null);
      case 0 -> new DeployException("Netlify: cannot " + what + " of site " + settings.siteId() + ": " + e.getMessage(),
          true, null, null);
      default -> new DeployException(prefix, e.isTransient(), e.retryAfter().orElse(null), null);
    };
  }

  @Override
  public String toString() { return "NetlifySiteTarget{" + id() + ", site=" + settings.siteId() + "}"; }
}
