package io.certferry.core.issue.acme;

import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * acme4j's generic provider with extra trust anchors for the CA's own HTTPS ({@code --server-ca}),
 * added to the JDK's default ones. acme4j's supported hook is
 * {@link org.shredzone.acme4j.provider.AcmeProvider#createHttpClient}; TLS verification stays on.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {
  private final SSLContext sslContext;

  TrustingAcmeProvider(List<X509Certificate> extraAnchors) {
    this.sslContext = sslContext(extraAnchors);
  }

  @Override
  public HttpClient createHttpClient(NetworkSettings settings) {
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(settings.getTimeout())
        .proxy(settings.getProxySelector())
        .sslContext(sslContext);
    if (settings.getAuthenticator() != null) {
      b.authenticator(settings.getAuthenticator());
    }
    return b.build();
  }

  private static SSLContext sslContext(List<X509Certificate> extra) {
    try {
      List<X509TrustManager> managers = new ArrayList<>();
      managers.add(trustManager(null)); // the JDK's cacerts
      if (!extra.isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < extra.size(); i++) {
          ks.setCertificateEntry("server-ca-" + i, extra.get(i));
        }
        managers.add(trustManager(ks));
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new AnyOfTrustManager(managers)}, null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up TLS trust for the ACME server", e);
    }
  }

  private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager available");
  }

  /** Trusts a server chain when any of the managers does (default anchors or --server-ca). */
  private static final class AnyOfTrustManager implements X509TrustManager {
    private final List<X509TrustManager> managers;

    AnyOfTrustManager(List<X509TrustManager> managers) {
      this.managers = List.copyOf(managers);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("client certificates are not accepted here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
      java.security.cert.CertificateException last = null;
      for (X509TrustManager m : managers) {
        try {
          m.checkServerTrusted(chain, authType);
          return;
        } catch (java.security.cert.CertificateException e) {
          last = e;
        }
      }
      throw last;
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      List<X509Certificate> all = new ArrayList<>();
      managers.forEach(m -> Collections.addAll(all, m.getAcceptedIssuers()));
      return all.toArray(new X509Certificate[0]);
    }
  }
}
