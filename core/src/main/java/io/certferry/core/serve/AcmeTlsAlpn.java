package io.certferry.core.serve;

import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;

/**
 * Lets a TLS server answer tls-alpn-01 (RFC 8737) on its own port: installs a handshake
 * application-protocol selector that picks {@code acme-tls/1} whenever a client offers it, and leaves
 * every other handshake's choice to what the engine had (its own selector, or its configured
 * application protocols). The {@link ManagedKeyManager} then hands an {@code acme-tls/1} handshake the
 * pending validation certificate for its name, or nothing, never the site's certificate.
 *
 * <p>{@link ManagedKeyManager#sslContext()} does this for every engine it creates. Call
 * {@link #enable(SSLEngine)} yourself when the engine comes from elsewhere (Netty's {@code SslContext}),
 * and {@link #enable(SSLSocket)} on each accepted socket of a blocking server. A server that sets its own
 * selector later (an ALPN layer for HTTP/2) replaces this one; enable it after that layer, which it wraps.
 *
 * <pre>{@code
 * SslHandler tls = sslContext.newHandler(channel.alloc());
 * AcmeTlsAlpn.enable(tls.engine());
 * }</pre>
 *
 * @since 0.1
 */
public final class AcmeTlsAlpn {
  /**
   * The ALPN protocol of tls-alpn-01 validation handshakes.
   *
   * @since 0.1
   */
  public static final String PROTOCOL = "acme-tls/1";

  private AcmeTlsAlpn() {}

  /**
   * Installs the selector on a server engine, wrapping the one it had; returns the engine.
   *
   * @since 0.1
   */
  public static SSLEngine enable(SSLEngine engine) {
    BiFunction<SSLEngine, List<String>, String> before = engine.getHandshakeApplicationProtocolSelector();
    engine.setHandshakeApplicationProtocolSelector((e, offered) -> offered.contains(PROTOCOL) ? PROTOCOL
        : before != null ? before.apply(e, offered) : configured(e.getSSLParameters().getApplicationProtocols(), offered));
    return engine;
  }

  /**
   * Installs the selector on an accepted server socket, before its handshake; returns the socket.
   *
   * @since 0.1
   */
  public static SSLSocket enable(SSLSocket socket) {
    BiFunction<SSLSocket, List<String>, String> before = socket.getHandshakeApplicationProtocolSelector();
    socket.setHandshakeApplicationProtocolSelector((s, offered) -> offered.contains(PROTOCOL) ? PROTOCOL
        : before != null ? before.apply(s, offered) : configured(s.getSSLParameters().getApplicationProtocols(), offered));
    return socket;
  }

  /**
   * What the JDK chooses without a selector: the first of the server's protocols the client offers; no
   * ALPN at all when the server configured none; a failed handshake when none of its protocols is offered.
   */
  static String configured(String[] serverProtocols, List<String> offered) {
    if (serverProtocols == null || serverProtocols.length == 0) {
      return "";
    }
    for (String p : serverProtocols) {
      if (offered.contains(p)) {
        return p;
      }
    }
    return null;
  }
}
