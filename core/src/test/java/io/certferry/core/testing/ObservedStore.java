package io.certferry.core.testing;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LineageSummary;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.store.StoredVersion;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A store that calls a hook before every call it passes on, naming the method and whether it writes: tests
 * count what the engine reads, or make a process die at a chosen write. Every call counts, including those a
 * hook rejects by throwing (then the call is not made).
 */
public class ObservedStore implements CertificateStore {
  /** Told before each call. */
  @FunctionalInterface
  public interface Hook {
    void before(String method, boolean write);
  }

  private final CertificateStore store;
  private final Hook hook;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  public ObservedStore(CertificateStore store, Hook hook) {
    this.store = store;
    this.hook = hook;
  }

  /** A store that only counts. */
  public static ObservedStore counting(CertificateStore store) { return new ObservedStore(store, (m, w) -> { }); }

  /** How often {@code method} was called. */
  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  /** Forgets the counts. */
  public void resetCounts() { calls.clear(); }

  private void read(String method) { before(method, false); }

  private void write(String method) { before(method, true); }

  private void before(String method, boolean write) {
    calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    hook.before(method, write);
  }

  @Override
  public List<String> names() { read("names"); return store.names(); }

  @Override
  public Optional<LineageSpec> spec(String name) { read("spec"); return store.spec(name); }

  @Override
  public void saveSpec(LineageSpec spec) { write("saveSpec"); store.saveSpec(spec); }

  @Override
  public Optional<StoredVersion> current(String name) { read("current"); return store.current(name); }

  @Override
  public List<StoredVersion> versions(String name) { read("versions"); return store.versions(name); }

  @Override
  public CertificateBundle load(String name, int version) { read("load"); return store.load(name, version); }

  @Override
  public StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details) {
    write("addVersion");
    return store.addVersion(name, bundle, source, details);
  }

  @Override
  public Optional<PrivateKey> pendingKey(String name) { read("pendingKey"); return store.pendingKey(name); }

  @Override
  public void savePendingKey(String name, PrivateKey key) { write("savePendingKey"); store.savePendingKey(name, key); }

  @Override
  public void clearPendingKey(String name) { write("clearPendingKey"); store.clearPendingKey(name); }

  @Override
  public Optional<PendingOrder> pendingOrder(String name) { read("pendingOrder"); return store.pendingOrder(name); }

  @Override
  public void savePendingOrder(String name, PendingOrder order) {
    write("savePendingOrder");
    store.savePendingOrder(name, order);
  }

  @Override
  public void clearPendingOrder(String name) { write("clearPendingOrder"); store.clearPendingOrder(name); }

  @Override
  public Deployments deployments(String name) { read("deployments"); return store.deployments(name); }

  @Override
  public void saveDeployments(String name, Deployments d) { write("saveDeployments"); store.saveDeployments(name, d); }

  @Override
  public LineageState state(String name) { read("state"); return store.state(name); }

  @Override
  public void saveState(String name, LineageState state) { write("saveState"); store.saveState(name, state); }

  @Override
  public Lock lock(String name) { read("lock"); return store.lock(name); }

  @Override
  public List<String> due(Instant now) { read("due"); return store.due(now); }

  @Override
  public List<LineageSummary> summaries() { read("summaries"); return store.summaries(); }

  @Override
  public Lock lockAccount(URI directory, String accountName) {
    read("lockAccount");
    return store.lockAccount(directory, accountName);
  }

  @Override
  public Optional<StoredAccount> account(URI directory, String accountName) {
    read("account");
    return store.account(directory, accountName);
  }

  @Override
  public void saveAccount(StoredAccount account) { write("saveAccount"); store.saveAccount(account); }

  @Override
  public Optional<LocalCaMaterial> localCa() { read("localCa"); return store.localCa(); }

  @Override
  public void saveLocalCa(LocalCaMaterial ca) { write("saveLocalCa"); store.saveLocalCa(ca); }
}
