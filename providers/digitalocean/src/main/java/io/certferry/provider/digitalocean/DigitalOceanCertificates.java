package io.certferry.provider.digitalocean;

import io.certferry.core.Sleeper;
import com.fasterxml.jackson.databind.JsonNode;
import io.certferry.core.CertificateBundle;
import io.certferry.core.deploy.DeployException;
import io.certferry.core.http.HttpApiException;
import io.certferry.core.x509.Fingerprints;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The account's certificate list as the targets see it: find a bundle already uploaded (by SHA-1, the
 * fingerprint DigitalOcean reports), upload it as a {@code custom} certificate under a name this tool
 * recognises later, and delete this tool's older uploads for a lineage once nothing uses them.
 *
 * <p>Names are {@code certferry-<lineage>-<serial hex>}. Only certificates of type {@code custom} whose
 * name has exactly that shape are ever deleted, so {@code lets_encrypt} certificates and uploads made by
 * people or other tools are left alone.
 */
final class DigitalOceanCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(DigitalOceanCertificates.class);
  private static final String PREFIX = "certferry-";

  private final DigitalOceanApi api;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration inUseBound;
  /** Certificate id to the SHA-256 of its leaf, for certificates this process uploaded or matched. */
  private final Map<String, String> sha256ById = new ConcurrentHashMap<>();

  DigitalOceanCertificates(DigitalOceanApi api, Clock clock, Sleeper sleeper, Duration inUseBound) {
    this.api = api;
    this.clock = clock;
    this.sleeper = sleeper;
    this.inUseBound = inUseBound;
  }

  /** What a target points at: the certificate's id and name, and whether this call uploaded it. */
  record Uploaded(String id, String name, boolean created, List<JsonNode> listing) {}

  /** The lineage part of names: the configured one, else the bundle's first name made name-safe. */
  static String lineage(String configured, CertificateBundle bundle) {
    if (configured != null) {
      return configured;
    }
    String first = bundle.names().isEmpty() ? "certificate" : bundle.names().get(0);
    String safe = first.toLowerCase(Locale.ROOT).replace("*", "wildcard").replaceAll("[^a-z0-9]+", "-")
        .replaceAll("^-+|-+$", "");
    return safe.length() > 40 ? safe.substring(0, 40).replaceAll("-+$", "") : safe;
  }

  static String name(String lineage, CertificateBundle bundle) {
    return PREFIX + lineage + "-" + bundle.serial().toLowerCase(Locale.ROOT);
  }

  /** True for names this tool gave certificates of this lineage: the prefix, then hex only. */
  static boolean ours(String lineage, String name) {
    return name != null && Pattern.matches(Pattern.quote(PREFIX + lineage + "-") + "[0-9a-f]+", name);
  }

  /**
   * The id of the certificate in the account with the bundle's SHA-1, uploading it first when there is
   * none. A re-run after a crash between upload and use finds the earlier upload instead of adding a twin.
   * The list is this pass's, shared by the account's targets (an upload joins it).
   */
  Uploaded findOrUpload(String lineage, CertificateBundle bundle) throws DeployException {
    String sha1 = Fingerprints.sha1(bundle.leaf());
    List<JsonNode> listing = List.copyOf(api.sharedCertificates().values());
    Optional<Uploaded> found = find(listing, sha1, bundle);
    if (found.isPresent()) {
      return found.get();
    }
    String name = name(lineage, bundle);
    JsonNode created;
    try {
      created = api.createCustomCertificate(name, bundle);
    } catch (DeployException e) {
      // The load balancer and CDN targets of one certificate deploy in parallel and both upload it when
      // neither finds it listed: DigitalOcean refuses the second upload (422, name already in use). The
      // twin the other target uploaded is the one to use.
      Optional<Uploaded> twin = find(api.certificates(), sha1, bundle);
      if (twin.isPresent()) {
        LOG.debug("certificate {} was uploaded meanwhile (by a parallel target); using it", name);
        return twin.get();
      }
      throw e;
    }
    String id = created.path("id").asText();
    if (id.isEmpty()) {
      throw new DeployException("DigitalOcean: the certificate upload of " + name + " answered without an id");
    }
    sha256ById.put(id, bundle.sha256());
    LOG.debug("uploaded certificate {} as {}", name, id);
    return new Uploaded(id, name, true, listing);
  }

  private Optional<Uploaded> find(List<JsonNode> listing, String sha1, CertificateBundle bundle) {
    for (JsonNode c : listing) {
      if (sha1.equalsIgnoreCase(c.path("sha1_fingerprint").asText())) {
        String id = c.path("id").asText();
        sha256ById.put(id, bundle.sha256());
        return Optional.of(new Uploaded(id, c.path("name").asText(), false, listing));
      }
    }
    return Optional.empty();
  }

  /** The SHA-256 of a certificate this process uploaded or matched; empty for others. */
  Optional<String> knownSha256(String certificateId) {
    return Optional.ofNullable(sha256ById.get(certificateId));
  }

  /**
   * Whether the certificate of that id is the version with SHA-256 {@code sha256}: known from this process (an
   * upload or an earlier answer: a DigitalOcean certificate never changes under its id), else by the SHA-1
   * DigitalOcean reports in this pass's list against the bundle's, which is only then read from the store.
   */
  boolean isBundle(String certificateId, String sha256, Supplier<CertificateBundle> bundle) throws DeployException {
    Optional<String> known = knownSha256(certificateId);
    if (known.isPresent()) {
      return known.get().equals(sha256);
    }
    JsonNode c = api.sharedCertificates().get(certificateId);
    if (c == null || !Fingerprints.sha1(bundle.get().leaf()).equalsIgnoreCase(c.path("sha1_fingerprint").asText())) {
      return false;
    }
    sha256ById.put(certificateId, sha256);
    return true;
  }

  /** What a cleanup did: names deleted, names left because they are still used or DigitalOcean refused. */
  record Cleanup(List<String> deleted, List<String> kept) {
    String summary() {
      if (deleted.isEmpty() && kept.isEmpty()) {
        return "";
      }
      return "; old certificates deleted: " + (deleted.isEmpty() ? "none" : String.join(", ", deleted))
          + (kept.isEmpty() ? "" : "; kept for a later run: " + String.join(", ", kept));
    }
  }

  /**
   * Deletes this tool's earlier uploads for the lineage that no load balancer or CDN endpoint uses. A
   * failure here never fails the deploy: what cannot go now is tried again on the next run. Works from
   * the listing {@link #findOrUpload} read, so a deploy that changes nothing lists certificates once.
   */
  Cleanup removeUnused(String lineage, Uploaded keep) throws DeployException {
    String keepId = keep.id();
    List<JsonNode> candidates = new ArrayList<>();
    for (JsonNode c : keep.listing()) {
      if ("custom".equals(c.path("type").asText()) && ours(lineage, c.path("name").asText())
          && !c.path("id").asText().equals(keepId)) {
        candidates.add(c);
      }
    }
    if (candidates.isEmpty()) {
      return new Cleanup(List.of(), List.of());
    }
    Set<String> used = usedCertificateIds();
    List<String> deleted = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    for (JsonNode c : candidates) {
      String id = c.path("id").asText();
      String name = c.path("name").asText();
      if (used.contains(id)) {
        kept.add(name + " (still in use)");
      } else if (deleteWhenReleased(id, name)) {
        deleted.add(name);
      } else {
        kept.add(name + " (DigitalOcean still reports it in use)");
      }
    }
    return new Cleanup(deleted, kept);
  }

  /** From this pass's lists, which hold what this process changed in it. */
  private Set<String> usedCertificateIds() throws DeployException {
    Set<String> used = new HashSet<>();
    for (JsonNode lb : api.sharedLoadBalancers().values()) {
      lb.path("forwarding_rules").forEach(r -> {
        if (!r.path("certificate_id").asText().isEmpty()) {
          used.add(r.path("certificate_id").asText());
        }
      });
    }
    for (JsonNode e : api.sharedCdnEndpoints().values()) {
      if (!e.path("certificate_id").asText().isEmpty()) {
        used.add(e.path("certificate_id").asText());
      }
    }
    return used;
  }

  /**
   * DigitalOcean answers 403 for a while after a certificate is detached, as if it were still in use:
   * retry that for {@link #inUseBound}, with growing pauses.
   */
  private boolean deleteWhenReleased(String id, String name) throws DeployException {
    Instant deadline = clock.instant().plus(inUseBound);
    Duration pause = Duration.ofSeconds(5);
    while (true) {
      try {
        api.deleteCertificate(id);
        return true;
      } catch (HttpApiException e) {
        if (e.status() == 404) {
          return true;
        }
        if (e.status() != 403 || !clock.instant().plus(pause).isBefore(deadline)) {
          LOG.debug("certificate {} not deleted: {}", name, e.getMessage());
          return false;
        }
      }
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DeployException("interrupted while waiting to delete certificate " + name);
      }
      pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : pause.multipliedBy(2);
    }
  }
}
