package io.certferry.core.issue.acme;

import io.certferry.core.x509.TrustAnchors;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.toolbox.JSON;

/**
 * acme4j's generic provider with extra trust anchors for the CA's own HTTPS ({@code --server-ca}),
 * added to the JDK's default ones. acme4j's supported hook is
 * {@link org.shredzone.acme4j.provider.AcmeProvider#createHttpClient}; TLS verification stays on.
 *
 * <p>A session keeps the directory it read for {@link #DIRECTORY_TTL}. CAs answer the directory with
 * {@code Cache-Control: max-age=0} (Let's Encrypt, Pebble), and acme4j then reads it again before every
 * lookup of a resource: a second GET for each new order, ARI query and profile check. A directory
 * changes when a CA adds a feature, not between two orders.
 */
final class TrustingAcmeProvider extends GenericAcmeProvider {
  /** How long a session trusts the directory it read, whatever the CA's cache headers say. */
  static final Duration DIRECTORY_TTL = Duration.ofMinutes(10);
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

  @Override
  public JSON directory(Session session, URI serverUri) throws AcmeException {
    JSON read = super.directory(session, serverUri);
    if (read != null) {
      // acme4j compares this with its own reading of the system clock, so it is set from that clock too.
      ZonedDateTime keep = ZonedDateTime.now(ZoneOffset.UTC).plus(DIRECTORY_TTL);
      ZonedDateTime said = session.getDirectoryExpires();
      session.setDirectoryExpires(said != null && said.isAfter(keep) ? said : keep);
    }
    return read;
  }

  private static SSLContext sslContext(List<X509Certificate> extra) {
    return extra.isEmpty() ? defaultContext() : TrustAnchors.jdkDefault().with(extra).sslContext();
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no TLS", e);
    }
  }
}
