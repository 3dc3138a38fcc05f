package io.certferry.core.x509;

import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns the unordered heap of certificates a user hands over (certificate, CA bundle, root, in any
 * order, possibly with duplicates and cross-signs) and a private key into a {@link CertificateBundle}:
 *
 * <ol>
 *   <li>the leaf is the certificate whose public key matches the private key;
 *   <li>the chain is built by signature verification, issuer after issuer; where several
 *       certificates sign one (cross-signs) the one that is not a self-signed root is preferred;
 *   <li>self-signed roots are dropped (clients have them; sending them only costs bytes);
 *   <li>the chain must reach a trust anchor: a missing intermediate, a foreign certificate, a
 *       self-signed leaf and an untrusted root are each rejected by name;
 *   <li>the path is validated with the JDK's PKIX validator at the clock's time.
 * </ol>
 *
 * @since 0.1
 */
public final class BundleAssembler {
  private BundleAssembler() {}

  /**
   * Assembles and validates a bundle.
   *
   * @param sourceDescription names the input in messages, e.g. {@code "cert.pem, chain.pem"}
   * @param heap every certificate given, in any order
   * @param key the private key of the leaf
   * @param anchors the roots (and private CAs) the chain must lead to
   * @param clock the time the certificate must be valid at
   * @throws InputRejectedException naming the certificate and the problem
   * @since 0.1
   */
  public static CertificateBundle assemble(String sourceDescription, List<X509Certificate> heap, PrivateKey key,
                                           TrustAnchors anchors, Clock clock) throws InputRejectedException {
    String src = sourceDescription;
    List<X509Certificate> certs = List.copyOf(new LinkedHashSet<>(heap));
    if (certs.isEmpty()) {
      throw new InputRejectedException(src + " holds no certificate; give the certificate file the CA sent");
    }
    X509Certificate leaf = findLeaf(src, certs, key);
    if (Names.isSelfSigned(leaf)) {
      throw new InputRejectedException(src + ": the certificate " + Names.subject(leaf) + " is self-signed, not issued by "
          + "a CA, so clients will not trust it; import the certificate your CA issued (or use the local CA for internal names)");
    }
    try {
      CertificateChecks.requireStrongKey(leaf.getPublicKey());
    } catch (InputRejectedException e) {
      throw new InputRejectedException(src + ": the certificate (" + Names.subject(leaf) + ") has a weak key: "
          + e.getMessage() + "; make a new key and CSR and have the CA reissue the certificate");
    }
    try {
      CertificateChecks.requireValidAt(leaf, clock);
    } catch (InputRejectedException e) {
      throw new InputRejectedException(src + ": " + e.getMessage());
    }
    ChainPath path = ChainPath.build(src, certs, leaf, anchors);
    requireNoForeign(src, certs, path);
    validate(src, certs, path, anchors, clock);
    return CertificateBundle.of(leaf, path.chain(), key);
  }

  private static X509Certificate findLeaf(String src, List<X509Certificate> certs, PrivateKey key)
      throws InputRejectedException {
    List<X509Certificate> matches = certs.stream()
        .filter(c -> CertificateChecks.keyMatches(c.getPublicKey(), key))
        .toList();
    if (matches.isEmpty()) {
      throw new InputRejectedException("the key does not match any certificate in " + src + " (it holds "
          + describe(certs) + "); give the key the CSR was made with, or the certificate issued for this key");
    }
    if (matches.size() > 1) {
      throw new InputRejectedException(src + " holds " + matches.size() + " certificates for this key ("
          + matches.stream().map(c -> Names.subject(c) + " serial " + c.getSerialNumber().toString(16)
              + " until " + CertificateChecks.utc(c.getNotAfter().toInstant())).collect(Collectors.joining("; "))
          + "); give only the certificate to import");
    }
    return matches.get(0);
  }

  /** Every certificate must be on the leaf's path, a root of it, or another copy (cross-sign) of one on it. */
  private static void requireNoForeign(String src, List<X509Certificate> certs, ChainPath path) throws InputRejectedException {
    for (X509Certificate c : certs) {
      if (!path.certificates().contains(c) && !path.isRelated(c)) {
        throw new InputRejectedException(src + ": certificate " + (certs.indexOf(c) + 1) + " (" + Names.subject(c)
            + ", issued by " + Names.issuer(c) + ") is not part of " + Names.subject(path.leaf())
            + "'s chain; remove it, or give the CA bundle that came with this certificate");
      }
    }
  }

  private static void validate(String src, List<X509Certificate> certs, ChainPath path, TrustAnchors anchors, Clock clock)
      throws InputRejectedException {
    List<X509Certificate> toValidate = path.toAnchor();
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(toValidate);
      PKIXParameters params = new PKIXParameters(anchors.pkixAnchors());
      params.setRevocationEnabled(false); // no network here; the CA's OCSP/CRL is the client's business
      params.setDate(Date.from(clock.instant()));
      CertPathValidator.getInstance("PKIX").validate(certPath, params);
    } catch (CertPathValidatorException e) {
      int index = e.getIndex();
      String which = index >= 0 && index < toValidate.size()
          ? "certificate " + (certs.indexOf(toValidate.get(index)) + 1) + " (" + Names.subject(toValidate.get(index)) + ")"
          : "the chain";
      throw new InputRejectedException(src + ": " + which + " fails validation: " + reason(e)
          + "; download the CA bundle again or ask the CA", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot validate certificate paths", e);
    }
  }

  private static String reason(CertPathValidatorException e) {
    var r = e.getReason();
    if (r == CertPathValidatorException.BasicReason.EXPIRED) return "it has expired";
    if (r == CertPathValidatorException.BasicReason.NOT_YET_VALID) return "it is not valid yet";
    if (r == CertPathValidatorException.BasicReason.ALGORITHM_CONSTRAINED) return "it uses a disallowed algorithm or key size";
    if (r == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) return "its signature is invalid";
    return String.valueOf(e.getMessage());
  }

  static String describe(List<X509Certificate> certs) {
    return certs.stream().map(Names::subject).collect(Collectors.joining(", "));
  }

  /** The leaf's path through the heap, leaf first, possibly ending at a self-signed root. */
  private record ChainPath(List<X509Certificate> certificates, Optional<Integer> anchoredAt) {
    X509Certificate leaf() { return certificates.get(0); }

    /** The intermediates: everything after the leaf that is not a self-signed root. */
    List<X509Certificate> chain() {
      return certificates.stream().skip(1).filter(c -> !Names.isSelfSigned(c)).toList();
    }

    /** The path up to the first certificate an anchor issued: what PKIX validates against the anchors. */
    List<X509Certificate> toAnchor() { return certificates.subList(0, anchoredAt.orElseThrow() + 1); }

    /** A certificate off the path that still belongs: it signs one on it, or is another copy of one on it. */
    boolean isRelated(X509Certificate c) {
      for (X509Certificate p : certificates) {
        if (Signatures.issues(c, p)) return true;
        if (p.getSubjectX500Principal().equals(c.getSubjectX500Principal()) && p.getPublicKey().equals(c.getPublicKey())) {
          return true;
        }
      }
      return false;
    }

    static ChainPath build(String src, List<X509Certificate> certs, X509Certificate leaf, TrustAnchors anchors)
        throws InputRejectedException {
      List<X509Certificate> path = new ArrayList<>();
      path.add(leaf);
      Integer anchoredAt = null;
      while (true) {
        X509Certificate current = path.get(path.size() - 1);
        if (anchoredAt == null && anchors.issuerOf(current).isPresent()) {
          anchoredAt = path.size() - 1;
        }
        if (path.size() > 1 && Names.isSelfSigned(current)) break;
        Optional<X509Certificate> next = issuerIn(certs, path, current);
        if (next.isEmpty()) break;
        path.add(next.get());
      }
      if (anchoredAt == null) {
        throw unanchored(src, certs, path);
      }
      return new ChainPath(List.copyOf(path), Optional.of(anchoredAt));
    }

    /** The certificate in the heap that signs {@code current}; a cross-sign is preferred over a self-signed root. */
    private static Optional<X509Certificate> issuerIn(List<X509Certificate> certs, List<X509Certificate> path,
                                                      X509Certificate current) {
      List<X509Certificate> candidates = certs.stream()
          .filter(c -> !path.contains(c) && Signatures.issues(c, current))
          .toList();
      return candidates.stream().filter(c -> !Names.isSelfSigned(c)).findFirst()
          .or(() -> candidates.stream().findFirst());
    }

    private static InputRejectedException unanchored(String src, List<X509Certificate> certs, List<X509Certificate> path) {
      X509Certificate last = path.get(path.size() - 1);
      if (path.size() > 1 && Names.isSelfSigned(last)) {
        return new InputRejectedException(src + ": the chain ends at " + Names.subject(last) + ", a root that is not trusted; "
            + "if it is your private CA, add it with --trust FILE, else download the CA bundle again");
      }
      int lastNumber = certs.indexOf(last) + 1;
      for (X509Certificate c : certs) {
        if (!path.contains(c) && c.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
          return new InputRejectedException(src + ": certificate " + (certs.indexOf(c) + 1) + " (" + Names.subject(c)
              + ") does not sign certificate " + lastNumber + " (" + Names.subject(last) + "); the bundle is missing an "
              + "intermediate or holds another site's chain");
        }
      }
      List<X509Certificate> others = certs.stream().filter(c -> !path.contains(c)).toList();
      String instead = others.isEmpty() ? "" : " (the bundle holds " + describe(others) + " instead, from another chain)";
      return new InputRejectedException(src + ": " + Names.subject(last) + " was issued by " + Names.issuer(last)
          + " which is not in the bundle and not a trusted root" + instead
          + "; download the CA bundle again or add it with --chain");
    }
  }
}
