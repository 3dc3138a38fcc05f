package io.certferry.core;

import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.IpAddresses;
import io.certferry.core.x509.KeyType;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable certificate ready to serve: the leaf, its ordered chain (leaf's issuer first, no
 * self-signed root) and the private key, with the facts every part of Certferry asks about.
 *
 * <p>{@link #toString()} never prints the key.
 *
 * @since 0.1
 */
public final class CertificateBundle {
  /** GeneralName tags of RFC 5280 section 4.2.1.6 as {@link X509Certificate#getSubjectAlternativeNames()} reports them. */
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  private final X509Certificate leaf;
  private final List<X509Certificate> chain;
  private final PrivateKey privateKey;
  private final List<String> names;
  private final String sha256;

  private CertificateBundle(X509Certificate leaf, List<X509Certificate> chain, PrivateKey privateKey) {
    this.leaf = Objects.requireNonNull(leaf, "leaf");
    this.chain = List.copyOf(chain);
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.names = names(leaf);
    this.sha256 = Fingerprints.sha256(leaf);
  }

  /**
   * A bundle of a leaf, its chain in order (issuer of the leaf first) and its private key.
   *
   * @since 0.1
   */
  public static CertificateBundle of(X509Certificate leaf, List<X509Certificate> chain, PrivateKey key) {
    return new CertificateBundle(leaf, chain, key);
  }

  /**
   * The leaf certificate.
   *
   * @since 0.1
   */
  public X509Certificate leaf() { return leaf; }

  /**
   * The intermediates, leaf's issuer first; never the leaf, never a self-signed root.
   *
   * @since 0.1
   */
  public List<X509Certificate> chain() { return chain; }

  /**
   * Leaf followed by the chain: what a TLS server sends.
   *
   * @since 0.1
   */
  public List<X509Certificate> fullChain() {
    List<X509Certificate> all = new ArrayList<>(chain.size() + 1);
    all.add(leaf);
    all.addAll(chain);
    return Collections.unmodifiableList(all);
  }

  /**
   * The leaf's private key; never logged or printed.
   *
   * @since 0.1
   */
  public PrivateKey privateKey() { return privateKey; }

  /**
   * The names the leaf is for: its DNS and IP address subject alternative names in certificate order
   * (addresses in {@link IpAddresses#canonical} form); the CN when it has none.
   *
   * @since 0.1
   */
  public List<String> names() { return names; }

  /**
   * Start of the leaf's validity.
   *
   * @since 0.1
   */
  public Instant notBefore() { return leaf.getNotBefore().toInstant(); }

  /**
   * End of the leaf's validity.
   *
   * @since 0.1
   */
  public Instant notAfter() { return leaf.getNotAfter().toInstant(); }

  /**
   * Serial number, lower-case hex without leading zeros.
   *
   * @since 0.1
   */
  public String serial() { return leaf.getSerialNumber().toString(16); }

  /**
   * SHA-256 of the leaf's DER, lower-case hex without colons.
   *
   * @since 0.1
   */
  public String sha256() { return sha256; }

  /**
   * The issuer's distinguished name as RFC 2253 text.
   *
   * @since 0.1
   */
  public String issuer() { return leaf.getIssuerX500Principal().getName(); }

  /**
   * The type of the leaf's key.
   *
   * @since 0.1
   */
  public KeyType keyType() { return KeyType.of(leaf.getPublicKey()); }

  @Override
  public String toString() {
    return "CertificateBundle{names=" + names + ", notAfter=" + notAfter() + ", sha256=" + sha256 + "}";
  }

  /**
   * DNS subject alternative names of a certificate; the subject CN when it has none.
   *
   * @since 0.1
   */
  public static List<String> dnsNames(X509Certificate cert) {
    return sans(cert, false);
  }

  /**
   * DNS and IP address subject alternative names of a certificate (RFC 8738: an IP certificate's names
   * are addresses), addresses in canonical form; the subject CN when it has none.
   *
   * @since 0.1
   */
  public static List<String> names(X509Certificate cert) {
    return sans(cert, true);
  }

  private static List<String> sans(X509Certificate cert, boolean withAddresses) {
    Set<String> out = new LinkedHashSet<>();
    try {
      var sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          if (Integer.valueOf(DNS_NAME).equals(san.get(0))) {
            out.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
          } else if (withAddresses && Integer.valueOf(IP_ADDRESS).equals(san.get(0))) {
            out.add(IpAddresses.canonical(String.valueOf(san.get(1))));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("unreadable subjectAltName extension: " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      String dn = cert.getSubjectX500Principal().getName();
      for (String part : dn.split(",")) {
        if (part.startsWith("CN=")) {
          out.add(part.substring(3).toLowerCase(Locale.ROOT));
        }
      }
    }
    return List.copyOf(out);
  }
}
