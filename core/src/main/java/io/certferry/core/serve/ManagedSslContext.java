package io.certferry.core.serve;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * A JDK TLS context, initialised with the managed key manager, whose engines answer {@code acme-tls/1}
 * ({@link AcmeTlsAlpn#enable(SSLEngine)}). Everything else is the JDK's context unchanged.
 */
final class ManagedSslContext extends SSLContext {
  ManagedSslContext(SSLContext initialised) {
    super(new Spi(initialised), initialised.getProvider(), initialised.getProtocol());
  }

  private static final class Spi extends SSLContextSpi {
    private final SSLContext jdk;

    Spi(SSLContext jdk) { this.jdk = jdk; }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("this context was initialised by ManagedKeyManager.sslContext(); "
          + "build your own SSLContext around the key manager to choose trust managers");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() { return jdk.getSocketFactory(); }

    /** Sockets accepted from it need {@link AcmeTlsAlpn#enable(javax.net.ssl.SSLSocket)} for tls-alpn-01. */
    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() { return jdk.getServerSocketFactory(); }

    @Override
    protected SSLEngine engineCreateSSLEngine() { return AcmeTlsAlpn.enable(jdk.createSSLEngine()); }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return AcmeTlsAlpn.enable(jdk.createSSLEngine(host, port));
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() { return jdk.getServerSessionContext(); }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() { return jdk.getClientSessionContext(); }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() { return jdk.getDefaultSSLParameters(); }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() { return jdk.getSupportedSSLParameters(); }
  }
}
