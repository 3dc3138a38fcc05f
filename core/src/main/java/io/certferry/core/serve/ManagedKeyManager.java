package io.certferry.core.serve;

import io.certferry.core.CertManager;
import io.certferry.core.CertManagerBuilder;
import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.acme.ChallengeSolver;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the current version of each managed lineage to a JVM TLS server, chosen by the name the client
 * asks for (SNI): the exact name first, then a wildcard covering it, then the configured default (also for
 * clients that send no name). A new version is served from the moment {@link CertManager} stores it, with
 * no restart: give {@link #listener()} to the manager's builder. The store is read once when the key
 * manager is built, and again on {@link #refresh()} (for versions another process stored).
 *
 * <p>A swap never breaks a handshake: a handshake that chose a version before the swap gets that version's
 * chain and key, and every later one gets the new version. A client resuming an earlier TLS session keeps
 * that session's certificate, as with any TLS server; every full handshake gets the current one.
 *
 * <p>tls-alpn-01 (RFC 8737) through the same server: give {@link #tlsAlpn01Solver()} to an
 * {@link io.certferry.core.issue.acme.AcmeIssuer}, and let the server pick ALPN {@code acme-tls/1}
 * ({@link #sslContext()} does; otherwise {@link AcmeTlsAlpn}). While a challenge for a name is pending, an
 * {@code acme-tls/1} handshake for it gets the validation certificate; other handshakes are unaffected.
 *
 * <p>The handshake path uses the JDK's providers only: Bouncy Castle is never registered.
 *
 * <pre>{@code
 * ManagedKeyManager keys = ManagedKeyManager.builder(store).defaultCertificate("site").build();
 * CertManager certs = CertManager.builder().store(store).listener(keys.listener())
 *     .certificate(ManagedCertificate.of("site", List.of("www.example.org"), "acme").withIssuer(acme))
 *     .build();
 * HttpsServer server = HttpsServer.create(new InetSocketAddress(443), 0);
 * server.setHttpsConfigurator(new HttpsConfigurator(keys.sslContext()));
 * }</pre>
 *
 * @since 0.1
 */
public final class ManagedKeyManager extends X509ExtendedKeyManager {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedKeyManager.class);
  /** The events after which a lineage's current version has changed. */
  private static final Set<LifecycleEvent.Type> NEW_VERSION =
      EnumSet.of(LifecycleEvent.Type.ISSUED, LifecycleEvent.Type.RENEWED, LifecycleEvent.Type.IMPORTED);
  /**
   * Versions of a lineage that stay resolvable after they are replaced: a handshake needs its version for
   * the microseconds between choosing an alias and reading its chain and key.
   */
  private static final int KEEP_REPLACED = 2;

  private final CertificateStore store;
  private final Set<String> lineages;
  private final TlsAlpn01Responder tlsAlpn01;
  private final Map<String, ServedCertificate> byAlias = new ConcurrentHashMap<>();
  private final Map<String, Deque<String>> replaced = new HashMap<>();
  private final Object swapLock = new Object();
  private volatile ServingIndex index;

  private ManagedKeyManager(Builder b) {
    this.store = b.store;
    this.lineages = Collections.unmodifiableSet(new LinkedHashSet<>(b.lineages));
    this.tlsAlpn01 = new TlsAlpn01Responder();
    this.index = ServingIndex.empty(b.defaultLineage);
  }

  /**
   * A builder for a key manager serving the lineages of {@code store}.
   *
   * @since 0.1
   */
  public static Builder builder(CertificateStore store) { return new Builder(store); }

  /**
   * The listener to give {@link CertManagerBuilder#listener}: on every issued, renewed or imported version
   * of a served lineage it reads the store and serves the new current version. A version that cannot be
   * read is logged and the previous one stays served.
   *
   * @since 0.1
   */
  public Notifier listener() { return this::onEvent; }

  /**
   * Reads the current version of every served lineage from the store and serves those that changed: for
   * versions stored by another process (the agent, {@code certferry import}). Call it on a schedule when
   * another process writes the store.
   *
   * @throws io.certferry.core.store.StoreException when a current version cannot be read (the first such
   *     failure, the others suppressed in it); that lineage keeps the version it had, the others are swapped
   * @since 0.1
   */
  public void refresh() {
    synchronized (swapLock) {
      RuntimeException failed = null;
      for (String lineage : served()) {
        try {
          reload(lineage);
        } catch (RuntimeException e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
      if (failed != null) {
        throw failed;
      }
    }
  }

  /**
   * The solver to give an {@link io.certferry.core.issue.acme.AcmeIssuer}: tls-alpn-01 answered by the
   * server this key manager serves, on the port the CA connects to (443).
   *
   * @since 0.1
   */
  public ChallengeSolver tlsAlpn01Solver() { return tlsAlpn01; }

  /**
   * A new TLS server context (the JDK's provider) with this key manager and the JDK's trust managers, whose
   * engines select ALPN {@code acme-tls/1} when a client offers it ({@link AcmeTlsAlpn}). Blocking servers:
   * enable each accepted socket with {@link AcmeTlsAlpn#enable(SSLSocket)}. The context cannot be
   * initialised again.
   *
   * @since 0.1
   */
  public SSLContext sslContext() {
    try {
      SSLContext jdk = SSLContext.getInstance("TLS");
      jdk.init(new KeyManager[] {this}, null, null);
      return new ManagedSslContext(jdk);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK offers no TLS context: " + e.getMessage(), e);
    }
  }

  /**
   * The bundle served for {@code lineage} now, if it has a version.
   *
   * @since 0.1
   */
  public Optional<CertificateBundle> serving(String lineage) {
    return index.lineage(lineage).map(ServedCertificate::bundle);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    if (engine == null) {
      return choose(keyType, null, null);
    }
    return choose(keyType, handshakeSession(engine::getHandshakeSession),
        handshakeProtocol(engine::getHandshakeApplicationProtocol));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    if (socket instanceof SSLSocket tls) {
      return choose(keyType, handshakeSession(tls::getHandshakeSession),
          handshakeProtocol(tls::getHandshakeApplicationProtocol));
    }
    return choose(keyType, null, null);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String[] aliases = index.all().stream().filter(c -> c.fits(keyType)).map(ServedCertificate::alias)
        .toArray(String[]::new);
    return aliases.length == 0 ? null : aliases;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return find(alias).map(ServedCertificate::chain).orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return find(alias).map(c -> c.bundle().privateKey()).orElse(null);
  }

  /** A server key manager: it has no client certificates. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) { return null; }

  /** A server key manager: it has no client certificates. */
  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) { return null; }

  /** A server key manager: it has no client certificates. */
  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) { return null; }

  private String choose(String keyType, SSLSession handshake, String protocol) {
    String name = requestedName(handshake);
    if (AcmeTlsAlpn.PROTOCOL.equals(protocol)) {
      // RFC 8737: an acme-tls/1 handshake gets the validation certificate or nothing, never the site's.
      return tlsAlpn01.forName(name).filter(c -> c.fits(keyType)).map(ServedCertificate::alias).orElse(null);
    }
    return index.choose(name, keyType).map(ServedCertificate::alias).orElse(null);
  }

  private Optional<ServedCertificate> find(String alias) {
    if (alias == null) {
      return Optional.empty();
    }
    ServedCertificate c = byAlias.get(alias);
    return c != null ? Optional.of(c) : tlsAlpn01.byAlias(alias);
  }

  private void onEvent(LifecycleEvent event) {
    if (!NEW_VERSION.contains(event.type()) || !(lineages.isEmpty() || lineages.contains(event.certificate()))) {
      return;
    }
    try {
      synchronized (swapLock) {
        reload(event.certificate());
      }
    } catch (RuntimeException e) {
      Optional<ServedCertificate> now = index.lineage(event.certificate());
      LOG.warn("{}: the new version cannot be read for serving ({}); {}", event.certificate(), e.getMessage(),
          now.map(c -> "still serving version " + c.version()).orElse("nothing is served for it"));
    }
  }

  /** Serves the store's current version of {@code lineage} if it is not the one served. Under the swap lock. */
  private void reload(String lineage) {
    Optional<StoredVersion> current = store.current(lineage);
    Optional<ServedCertificate> before = index.lineage(lineage);
    if (current.isEmpty() || before.map(c -> c.version() == current.get().number()).orElse(false)) {
      return;
    }
    ServedCertificate next = ServedCertificate.of(lineage, current.get().number(),
        store.load(lineage, current.get().number()));
    // Resolvable before any handshake can choose it; the one it replaces stays resolvable a while.
    byAlias.put(next.alias(), next);
    index = index.with(next);
    Deque<String> old = replaced.computeIfAbsent(lineage, l -> new ArrayDeque<>());
    old.remove(next.alias());
    before.ifPresent(c -> old.addLast(c.alias()));
    while (old.size() > KEEP_REPLACED) {
      byAlias.remove(old.removeFirst());
    }
    LOG.debug("{}: serving version {} (serial {})", lineage, next.version(), next.bundle().serial());
  }

  private Collection<String> served() {
    if (!lineages.isEmpty()) {
      return lineages;
    }
    Set<String> all = new LinkedHashSet<>(store.names());
    index.all().forEach(c -> all.add(c.lineage()));
    return all;
  }

  /** The host name the client asked for (SNI), lower case without a trailing dot; null when it sent none. */
  private static String requestedName(SSLSession handshake) {
    if (!(handshake instanceof ExtendedSSLSession extended)) {
      return null;
    }
    List<SNIServerName> names = extended.getRequestedServerNames();
    for (SNIServerName n : names) {
      if (n.getType() == StandardConstants.SNI_HOST_NAME) {
        String host = n instanceof SNIHostName h ? h.getAsciiName() : new SNIHostName(n.getEncoded()).getAsciiName();
        return TlsAlpn01Responder.normalize(host.toLowerCase(Locale.ROOT));
      }
    }
    return null;
  }

  /** Engines and sockets of other providers may not offer the handshake's session or protocol. */
  private static SSLSession handshakeSession(Supplier<SSLSession> read) {
    try {
      return read.get();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  private static String handshakeProtocol(Supplier<String> read) {
    try {
      return read.get();
    } catch (UnsupportedOperationException e) {
      return null;
    }
  }

  /**
   * Builds a {@link ManagedKeyManager}; only the store is required.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final CertificateStore store;
    private final Set<String> lineages = new LinkedHashSet<>();
    private String defaultLineage;

    private Builder(CertificateStore store) { this.store = Objects.requireNonNull(store, "store"); }

    /**
     * Serves only these lineages (default: every lineage of the store, and every lineage a new version is
     * announced for).
     *
     * @since 0.1
     */
    public Builder lineages(Collection<String> names) {
      lineages.addAll(names);
      return this;
    }

    /**
     * The lineage served to clients that send no name (SNI) or a name no served certificate covers; without
     * one, such handshakes fail.
     *
     * @since 0.1
     */
    public Builder defaultCertificate(String lineage) {
      this.defaultLineage = Objects.requireNonNull(lineage, "lineage");
      return this;
    }

    /**
     * The key manager, serving the store's current versions.
     *
     * @throws io.certferry.core.store.StoreException when a current version cannot be read
     * @throws IllegalArgumentException when the default lineage is not among {@link #lineages}
     * @since 0.1
     */
    public ManagedKeyManager build() {
      if (defaultLineage != null && !lineages.isEmpty() && !lineages.contains(defaultLineage)) {
        throw new IllegalArgumentException("the default certificate '" + defaultLineage + "' is not among the served"
            + " lineages " + lineages + "; add it to lineages(...) or choose one of them");
      }
      ManagedKeyManager keys = new ManagedKeyManager(this);
      keys.refresh();
      return keys;
    }
  }
}
