package io.certferry.core.testing;

import io.certferry.core.store.CertificateStore;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every embedding example proves about its server: each name gets its lineage's current version
 * from the store, and a swap under load (threads shaking hands in a loop) breaks no handshake.
 *
 * <pre>{@code
 * EmbeddedServerCheck check = new EmbeddedServerCheck(store, port, client).name("site", "site.example.test");
 * Map<String, String> before = check.servesCurrent();
 * HandshakeLoop.Result r = check.swapUnderLoad(8, List.of(() -> certs.renew("site", true)));
 * }</pre>
 */
public final class EmbeddedServerCheck {
  /** Handshakes awaited before and after each swap, so every swap happens while clients are busy. */
  private static final int HANDSHAKES_AROUND_A_SWAP = 32;
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final CertificateStore store;
  private final int port;
  private final TlsClient client;
  private final Map<String, String> names = new LinkedHashMap<>();

  /** Checks the server on 127.0.0.1:{@code port} with {@code client}, against what {@code store} holds. */
  public EmbeddedServerCheck(CertificateStore store, int port, TlsClient client) {
    this.store = store;
    this.port = port;
    this.client = client;
  }

  /** A lineage the server serves, and the name a client asks for it by. */
  public EmbeddedServerCheck name(String lineage, String serverName) {
    names.put(lineage, serverName);
    return this;
  }

  /** One swap: a forced renewal, an import. */
  @FunctionalInterface
  public interface Swap {
    void run() throws Exception;
  }

  /**
   * One handshake per lineage; fails unless each served leaf is the store's current version. Returns the
   * served serials by lineage (lower-case hex).
   */
  public Map<String, String> servesCurrent() throws IOException {
    Map<String, String> serials = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      X509Certificate leaf = client.leaf(port, e.getValue());
      String served = leaf.getSerialNumber().toString(16);
      String current = store.current(e.getKey()).orElseThrow(() -> new AssertionError(e.getKey() + " has no version"))
          .serial();
      if (!served.equals(current)) {
        throw new AssertionError(e.getValue() + " is served serial " + served + " but the current version of "
            + e.getKey() + " is serial " + current);
      }
      serials.put(e.getKey(), served);
    }
    return serials;
  }

  /**
   * Runs {@code swaps} one after another while {@code threads} threads shake hands in a loop, each asking for
   * the names in turn; returns the counts (the caller asserts none failed and prints them).
   */
  public HandshakeLoop.Result swapUnderLoad(int threads, List<Swap> swaps) throws Exception {
    List<String> serverNames = new ArrayList<>(names.values());
    try (HandshakeLoop loop = HandshakeLoop.start(threads, (t, n) ->
        client.leaf(port, serverNames.get((int) ((t + n) % serverNames.size()))))) {
      long done = loop.awaitAtLeast(HANDSHAKES_AROUND_A_SWAP, WAIT);
      for (Swap swap : swaps) {
        swap.run();
        done = loop.awaitAtLeast(done + HANDSHAKES_AROUND_A_SWAP, WAIT);
      }
      return loop.stop();
    }
  }
}
