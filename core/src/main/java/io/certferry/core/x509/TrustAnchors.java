package io.certferry.core.x509;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The certificates a chain must lead to. By default the JDK's {@code cacerts} (what a Java TLS
 * client trusts, honouring {@code javax.net.ssl.trustStore}); {@link #with} adds anchors for a
 * private CA ({@code --trust FILE}); {@link #only} trusts nothing else (tests, closed networks).
 * Immutable.
 *
 * @since 0.1
 */
public final class TrustAnchors {
  private final List<X509Certificate> certificates;
  private final Map<X500Principal, List<X509Certificate>> bySubject = new HashMap<>();

  private TrustAnchors(Collection<X509Certificate> certificates) {
    this.certificates = List.copyOf(new LinkedHashSet<>(certificates));
    for (X509Certificate c : this.certificates) {
      bySubject.computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>()).add(c);
    }
  }

  /**
   * The JDK's default trust store, loaded once.
   *
   * @since 0.1
   */
  public static TrustAnchors jdkDefault() { return JdkDefault.ANCHORS; }

  /**
   * Exactly these anchors, nothing else.
   *
   * @since 0.1
   */
  public static TrustAnchors only(Collection<X509Certificate> anchors) { return new TrustAnchors(anchors); }

  /**
   * These anchors and {@code more}.
   *
   * @since 0.1
   */
  public TrustAnchors with(Collection<X509Certificate> more) {
    List<X509Certificate> all = new ArrayList<>(certificates);
    all.addAll(more);
    return new TrustAnchors(all);
  }

  /**
   * The root certificates trusted.
   *
   * @since 0.1
   */
  public List<X509Certificate> certificates() { return certificates; }

  /**
   * The anchor whose name is {@code cert}'s issuer and whose key verifies its signature, if any.
   *
   * @since 0.1
   */
  public Optional<X509Certificate> issuerOf(X509Certificate cert) {
    return bySubject.getOrDefault(cert.getIssuerX500Principal(), List.of()).stream()
        .filter(anchor -> Signatures.signs(anchor, cert))
        .findFirst();
  }

  /**
   * True when {@code cert} is an anchor, or has an anchor's name and key (another copy of a root).
   *
   * @since 0.1
   */
  public boolean contains(X509Certificate cert) {
    return bySubject.getOrDefault(cert.getSubjectX500Principal(), List.of()).stream()
        .anyMatch(anchor -> anchor.equals(cert) || anchor.getPublicKey().equals(cert.getPublicKey()));
  }

  /**
   * A TLS client's trust manager that accepts exactly the chains leading to these anchors, with the
   * JDK's full PKIX checks (expiry, host name left to the client, key usage). Verification is never off.
   *
   * @since 0.1
   */
  public X509TrustManager trustManager() {
    try {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (X509Certificate c : certificates) {
        ks.setCertificateEntry("anchor-" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("this JDK has no X509TrustManager");
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a trust manager from " + this + ": " + e.getMessage(), e);
    }
  }

  /**
   * A TLS context that trusts these anchors (see {@link #trustManager()}).
   *
   * @since 0.1
   */
  public SSLContext sslContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustManager()}, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no TLS: " + e.getMessage(), e);
    }
  }

  Set<TrustAnchor> pkixAnchors() {
    Set<TrustAnchor> out = new LinkedHashSet<>();
    for (X509Certificate c : certificates) out.add(new TrustAnchor(c, null));
    return out;
  }

  @Override
  public String toString() { return "TrustAnchors{" + certificates.size() + " certificates}"; }

  private static final class JdkDefault {
    static final TrustAnchors ANCHORS = load();

    private static TrustAnchors load() {
      try {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
          if (tm instanceof X509TrustManager x509) {
            return new TrustAnchors(Arrays.asList(x509.getAcceptedIssuers()));
          }
        }
        throw new IllegalStateException("the JDK's default trust manager is not an X509TrustManager");
      } catch (NoSuchAlgorithmException | KeyStoreException e) {
        throw new IllegalStateException("the JDK's default trust store cannot be loaded", e);
      }
    }
  }
}
