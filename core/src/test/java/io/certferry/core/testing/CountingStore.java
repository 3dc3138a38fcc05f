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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts the calls made to another, by method name, for tests of what a pass reads. */
public final class CountingStore implements CertificateStore {
  private final CertificateStore store;
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  public CountingStore(CertificateStore store) { this.store = store; }

  /** Calls by method name since the last {@link #reset()}. */
  public Map<String, Integer> calls() {
    Map<String, Integer> out = new TreeMap<>();
    calls.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  public void reset() { calls.clear(); }

  private <T> T count(String method, T value) {
    calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    return value;
  }

  private void count(String method) { count(method, null); }

  @Override public List<String> names() { return count("names", store.names()); }
  @Override public Optional<LineageSpec> spec(String n) { return count("spec", store.spec(n)); }
  @Override public void saveSpec(LineageSpec s) { count("saveSpec"); store.saveSpec(s); }
  @Override public Optional<StoredVersion> current(String n) { return count("current", store.current(n)); }
  @Override public List<StoredVersion> versions(String n) { return count("versions", store.versions(n)); }
  @Override public CertificateBundle load(String n, int v) { return count("load", store.load(n, v)); }
  @Override public StoredVersion addVersion(String n, CertificateBundle b, String s, Map<String, String> d) {
    return count("addVersion", store.addVersion(n, b, s, d));
  }
  @Override public Optional<PrivateKey> pendingKey(String n) { return count("pendingKey", store.pendingKey(n)); }
  @Override public void savePendingKey(String n, PrivateKey k) { count("savePendingKey"); store.savePendingKey(n, k); }
  @Override public void clearPendingKey(String n) { count("clearPendingKey"); store.clearPendingKey(n); }
  @Override public Optional<PendingOrder> pendingOrder(String n) { return count("pendingOrder", store.pendingOrder(n)); }
  @Override public void savePendingOrder(String n, PendingOrder o) { count("savePendingOrder"); store.savePendingOrder(n, o); }
  @Override public void clearPendingOrder(String n) { count("clearPendingOrder"); store.clearPendingOrder(n); }
  @Override public Deployments deployments(String n) { return count("deployments", store.deployments(n)); }
  @Override public void saveDeployments(String n, Deployments d) { count("saveDeployments"); store.saveDeployments(n, d); }
  @Override public LineageState state(String n) { return count("state", store.state(n)); }
  @Override public void saveState(String n, LineageState s) { count("saveState"); store.saveState(n, s); }
  @Override public Lock lock(String n) { return count("lock", store.lock(n)); }
  @Override public Lock tryLock(String n) { return count("tryLock", store.tryLock(n)); }
  /** One call, as a store with a due index answers it (the default would count the reads it makes). */
  @Override public List<String> due(Instant now) { return count("due", store.due(now)); }
  @Override public List<LineageSummary> summaries() { return count("summaries", store.summaries()); }
  @Override public Lock lockAccount(URI d, String a) { return count("lockAccount", store.lockAccount(d, a)); }
  @Override public Optional<StoredAccount> account(URI d, String a) { return count("account", store.account(d, a)); }
  @Override public void saveAccount(StoredAccount a) { count("saveAccount"); store.saveAccount(a); }
  @Override public Optional<LocalCaMaterial> localCa() { return count("localCa", store.localCa()); }
  @Override public void saveLocalCa(LocalCaMaterial ca) { count("saveLocalCa"); store.saveLocalCa(ca); }
}
