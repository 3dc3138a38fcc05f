package io.certferry.core.issue.acme;

import io.certferry.core.x509.TrustAnchors;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
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
    return extra.isEmpty() ? defaultContext() : TrustAnchors.jdkDefault().with(extra).sslContext();
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
  }
}
