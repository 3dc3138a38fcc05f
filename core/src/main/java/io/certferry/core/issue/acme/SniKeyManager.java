package io.certferry.core.issue.acme;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the tls-alpn-01 validation certificate of the server name the client asks for (SNI); a
 * handshake for a name without one finds no certificate and fails. The aliases are the server names.
 */
final class SniKeyManager extends X509ExtendedKeyManager {
  /** The key type of {@link TlsAlpn01Certificates}' keys, as JSSE names it. */
  private static final String KEY_TYPE = "RSA";

  private final Map<String, TlsAlpn01Certificates.Validation> validations;

  SniKeyManager(Map<String, TlsAlpn01Certificates.Validation> validations) {
    this.validations = validations;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return socket instanceof SSLSocket s ? alias(keyType, s.getHandshakeSession()) : null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return engine == null ? null : alias(keyType, engine.getHandshakeSession());
  }

  private String alias(String keyType, SSLSession session) {
    if (!KEY_TYPE.equals(keyType) || !(session instanceof ExtendedSSLSession e)) {
      return null;
    }
    for (SNIServerName n : e.getRequestedServerNames()) {
      if (n instanceof SNIHostName host) {
        String name = host.getAsciiName().toLowerCase(Locale.ROOT);
        if (validations.containsKey(name)) {
          return name;
        }
      }
    }
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return KEY_TYPE.equals(keyType) ? validations.keySet().toArray(String[]::new) : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    TlsAlpn01Certificates.Validation v = validations.get(alias);
    return v == null ? null : new X509Certificate[] {v.certificate()};
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    TlsAlpn01Certificates.Validation v = validations.get(alias);
    return v == null ? null : v.key().getPrivate();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) { return null; }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }
}
