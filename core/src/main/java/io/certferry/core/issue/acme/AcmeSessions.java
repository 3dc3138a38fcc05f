package io.certferry.core.issue.acme;

import io.certferry.core.x509.Fingerprints;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.shredzone.acme4j.Session;

/**
 * ACME sessions shared by the issuers of one engine: give every {@link AcmeIssuer} built for the same
 * manager the same instance ({@link AcmeIssuer.Builder#sessions}). A session reads the CA's directory
 * once and keeps its connection and its last nonce, so the second certificate from a CA costs no
 * directory read, no TLS handshake and no newNonce request. The agent makes one issuer per certificate;
 * with a session each, every certificate paid all three.
 *
 * <pre>{@code
 * AcmeSessions sessions = new AcmeSessions();
 * AcmeIssuer www = AcmeIssuer.builder().directory(le).sessions(sessions)...build();
 * AcmeIssuer api = AcmeIssuer.builder().directory(le).sessions(sessions)...build();
 * }</pre>
 *
 * <p>acme4j holds a session's nonce for the whole of a signed request, so a session serves one request
 * at a time: certificates issued in parallel through one session would queue behind each other. Each CA
 * (directory and extra trust) therefore gets a pool, and a session is lent for the length of one order:
 * as many sessions as orders in flight, at most {@link #MAX_IDLE} kept between them. Thread-safe.
 *
 * @since 0.1
 */
public final class AcmeSessions {
  /** Sessions kept per CA between orders; more are made when more orders run at once, and dropped after. */
  static final int MAX_IDLE = 8;
  private final Map<Key, Pool> pools = new ConcurrentHashMap<>();

  /** An empty set of pools; sessions are made on first use. */
  public AcmeSessions() {}

  /** A CA as sessions see it: its directory and the SHA-256 of each extra trust anchor. */
  private record Key(URI directory, List<String> trust) {
    static Key of(URI directory, List<X509Certificate> serverCa) {
      return new Key(directory, serverCa.stream().map(Fingerprints::sha256).toList());
    }
  }

  /** One CA's idle sessions, and the provider (its TLS context built once) new sessions are made with. */
  private static final class Pool {
    private final URI directory;
    private final TrustingAcmeProvider provider;
    private final Deque<Session> idle = new ArrayDeque<>(); // guarded by this

    Pool(URI directory, List<X509Certificate> serverCa) {
      this.directory = directory;
      this.provider = new TrustingAcmeProvider(serverCa);
    }

    synchronized Session take() {
      Session s = idle.pollFirst();
      return s != null ? s : new Session(directory, provider);
    }

    synchronized void put(Session s) {
      if (idle.size() < MAX_IDLE) {
        idle.addFirst(s); // the most recently used first: its connection is the likeliest to be alive
      }
    }
  }

  /** A session of this CA for the caller alone, until it is given back. */
  Session borrow(URI directory, List<X509Certificate> serverCa) {
    return pools.computeIfAbsent(Key.of(directory, serverCa), k -> new Pool(directory, serverCa)).take();
  }

  /** Returns a session {@link #borrow}ed with the same directory and trust. */
  void giveBack(URI directory, List<X509Certificate> serverCa, Session session) {
    Pool p = pools.get(Key.of(directory, serverCa));
    if (p != null) {
      p.put(session);
    }
  }
}
