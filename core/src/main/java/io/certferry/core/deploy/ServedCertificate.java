package io.certferry.core.deploy;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.Fingerprints;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A certificate a target serves now, as far as the target can tell: by handshake or file every fact, by an API
 * often only the expiry and names (DigitalOcean reports a SHA-1 and the expiry, Netlify the expiry and names).
 *
 * @param place where it is served: {@code load balancer 4de7... (https 443)}, {@code web1 10.0.0.5:443}
 * @param sha256 the leaf's SHA-256 (lower-case hex), when known
 * @param serial the leaf's serial (lower-case hex), when known
 * @param issuer the issuer's distinguished name, when known
 * @param note what else the target says about it ({@code lets_encrypt certificate le-social}), if anything
 * @since 0.1
 */
public record ServedCertificate(String place, Optional<String> sha256, Optional<String> serial,
                                Optional<Instant> notAfter, Optional<String> issuer, List<String> names,
                                Optional<String> note) {
  public ServedCertificate {
    names = List.copyOf(names);
  }

  /**
   * Every fact of a leaf seen by handshake or read from a file.
   *
   * @since 0.1
   */
  public static ServedCertificate of(String place, X509Certificate leaf) {
    return new ServedCertificate(place, Optional.of(Fingerprints.sha256(leaf)),
        Optional.of(leaf.getSerialNumber().toString(16)), Optional.of(leaf.getNotAfter().toInstant()),
        Optional.of(leaf.getIssuerX500Principal().getName()), CertificateBundle.dnsNames(leaf), Optional.empty());
  }

  /**
   * These facts (from an API: expiry and names) completed with the leaf's own SHA-256, serial and issuer, when the
   * leaf a handshake saw has the same expiry and names; unchanged otherwise, or when nothing was seen.
   *
   * @since 0.1
   */
  public ServedCertificate completedBy(Optional<X509Certificate> leaf, String seenAt) {
    if (leaf.isEmpty()) {
      return this;
    }
    ServedCertificate seen = of(place, leaf.get());
    boolean same = seen.notAfter.map(Instant::getEpochSecond).equals(notAfter.map(Instant::getEpochSecond))
        && new HashSet<>(seen.names).equals(new HashSet<>(names));
    return same ? new ServedCertificate(place, seen.sha256, seen.serial, seen.notAfter, seen.issuer, seen.names,
        Optional.of(note.map(n -> n + "; ").orElse("") + "seen at " + seenAt)) : this;
  }

  /**
   * The same with a note.
   *
   * @since 0.1
   */
  public ServedCertificate withNote(String text) {
    return new ServedCertificate(place, sha256, serial, notAfter, issuer, names, Optional.of(text));
  }

  /**
   * Whether this is version {@code v}: the same SHA-256 when it is known; else the same serial and expiry; else
   * the same expiry (to the second) and names. The one rule by which discovery and a dry run recognise a version.
   *
   * @since 0.1
   */
  public boolean is(StoredVersion v) {
    if (sha256.isPresent()) {
      return sha256.get().equals(v.sha256());
    }
    boolean sameExpiry = notAfter.map(t -> t.getEpochSecond() == v.notAfter().getEpochSecond()).orElse(false);
    if (serial.isPresent()) {
      return sameExpiry && serial.get().equalsIgnoreCase(v.serial());
    }
    return sameExpiry && !names.isEmpty() && new HashSet<>(names).equals(new HashSet<>(v.domains()));
  }
}
