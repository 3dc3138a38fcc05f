package io.certferry.core.x509;

import io.certferry.core.CertificateBundle;
import io.certferry.core.InputRejectedException;

import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The checks a certificate must pass before Certferry stores or serves it: it covers the names
 * asked for, is valid now, has a strong key, and matches its private key. Each failing check
 * throws {@link InputRejectedException} with a message that says what is wrong and what to do.
 *
 * @since 0.1
 */
public final class CertificateChecks {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private CertificateChecks() {}

  /**
   * Rejects a bundle whose leaf does not cover every one of {@code names} (see {@link #covers}).
   *
   * @since 0.1
   */
  public static void requireCovers(CertificateBundle bundle, List<String> names) throws InputRejectedException {
    List<String> missing = uncovered(bundle.names(), names);
    if (!missing.isEmpty()) {
      throw new InputRejectedException("the certificate (" + Names.subject(bundle.leaf()) + ") is for "
          + String.join(", ", bundle.names()) + " and does not cover " + String.join(", ", missing)
          + "; import a certificate issued for these names, or change the names the lineage expects");
    }
  }

  /**
   * True when one of the certificate's names covers {@code name}, per RFC 6125: case-insensitive,
   * a trailing dot ignored, and a wildcard {@code *.example.com} covers exactly one label
   * ({@code www.example.com}, not {@code a.b.example.com} nor {@code example.com}). A wildcard
   * asked for is covered only by the same wildcard. An IP address (RFC 8738) is covered only by the
   * same address, however it is written ({@code 2001:db8::1} is {@code 2001:DB8:0:0:0:0:0:1}), never
   * by a wildcard.
   *
   * @since 0.1
   */
  public static boolean covers(List<String> certificateNames, String name) {
    Optional<InetAddress> address = IpAddresses.parse(name);
    if (address.isPresent()) {
      return certificateNames.stream().map(IpAddresses::parse).anyMatch(address::equals);
    }
    String wanted = normalize(name);
    for (String dnsName : certificateNames) {
      String presented = normalize(dnsName);
      if (presented.equals(wanted)) return true;
      if (presented.startsWith("*.") && !wanted.startsWith("*.") && wildcardMatches(presented.substring(2), wanted)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The names of {@code wanted} that {@code certificateNames} do not cover (see {@link #covers}), in order.
   *
   * @since 0.1
   */
  public static List<String> uncovered(List<String> certificateNames, List<String> wanted) {
    return wanted.stream().filter(w -> !covers(certificateNames, w)).toList();
  }

  private static boolean wildcardMatches(String base, String wanted) {
    // *.com or *.localhost-like single-label bases never match: a wildcard needs two labels under it
    if (!base.contains(".")) return false;
    int dot = wanted.indexOf('.');
    return dot > 0 && wanted.substring(dot + 1).equals(base);
  }

  private static String normalize(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }

  /**
   * Rejects a certificate that has expired or is not yet valid at the clock's time, with dates and days.
   *
   * @since 0.1
   */
  public static void requireValidAt(X509Certificate cert, Clock clock) throws InputRejectedException {
    Instant now = clock.instant();
    Instant notBefore = cert.getNotBefore().toInstant();
    Instant notAfter = cert.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      throw new InputRejectedException("the certificate (" + Names.subject(cert) + ") expired on " + DAY.format(notAfter)
          + ", " + days(Duration.between(notAfter, now)) + " ago; renew it with the CA and import the new certificate");
    }
    if (now.isBefore(notBefore)) {
      throw new InputRejectedException("the certificate (" + Names.subject(cert) + ") is not valid until "
          + DAY.format(notBefore) + ", in " + days(Duration.between(now, notBefore))
          + "; check this machine's clock, or import it once it is valid");
    }
  }

  private static String days(Duration d) {
    long days = d.toDays();
    if (days == 0) return "less than a day";
    return days == 1 ? "1 day" : days + " days";
  }

  /**
   * Rejects keys Certferry does not accept: RSA under 2048 bits, EC other than P-256/P-384, other algorithms.
   *
   * @since 0.1
   */
  public static void requireStrongKey(PublicKey key) throws InputRejectedException {
    try {
      KeyType.of(key);
    } catch (IllegalArgumentException e) {
      throw new InputRejectedException(e.getMessage());
    }
  }

  /**
   * True when the private key belongs to the public key. RSA keys compare moduli (and the public
   * exponent when the private key carries it); EC keys must be on the same curve and a fresh
   * challenge signed by the private key must verify with the public one.
   *
   * @since 0.1
   */
  public static boolean keyMatches(PublicKey publicKey, PrivateKey privateKey) {
    if (publicKey instanceof RSAPublicKey rsa && privateKey instanceof RSAKey rsaPrivate) {
      if (!rsa.getModulus().equals(rsaPrivate.getModulus())) return false;
      return !(privateKey instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(rsa.getPublicExponent());
    }
    if (publicKey instanceof ECPublicKey ec && privateKey instanceof ECKey ecPrivate) {
      return sameCurve(ec, ecPrivate) && signatureVerifies(publicKey, privateKey, "SHA256withECDSA");
    }
    if (publicKey instanceof RSAKey || publicKey instanceof ECKey || privateKey instanceof RSAKey || privateKey instanceof ECKey) {
      return false; // RSA against EC
    }
    return signatureVerifies(publicKey, privateKey, publicKey.getAlgorithm());
  }

  private static boolean sameCurve(ECKey a, ECKey b) {
    var pa = a.getParams();
    var pb = b.getParams();
    return pa.getCurve().equals(pb.getCurve()) && pa.getGenerator().equals(pb.getGenerator()) && pa.getOrder().equals(pb.getOrder());
  }

  private static boolean signatureVerifies(PublicKey publicKey, PrivateKey privateKey, String algorithm) {
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(challenge);
      byte[] sig = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(challenge);
      return verifier.verify(sig);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  static String utc(Instant instant) { return DAY.format(instant); }

}
