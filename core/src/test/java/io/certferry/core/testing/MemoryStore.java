package io.certferry.core.testing;

import io.certferry.core.CertificateBundle;
import io.certferry.core.x509.Fingerprints;
import io.certferry.core.x509.KeyType;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.store.StoredVersion;
import java.net.URI;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;

/** A {@link CertificateStore} in memory, for tests that are not about storage. Thread-safe. */
public final class MemoryStore implements CertificateStore {
  private final Map<String, LineageSpec> specs = new ConcurrentHashMap<>();
  private final Map<String, List<StoredVersion>> versions = new ConcurrentHashMap<>();
  private final Map<String, CertificateBundle> bundles = new ConcurrentHashMap<>();
  private final Map<String, PrivateKey> pending = new ConcurrentHashMap<>();
  private final Map<String, PendingOrder> orders = new ConcurrentHashMap<>();
  private final Map<String, Deployments> deployments = new ConcurrentHashMap<>();
  private final Map<String, LineageState> states = new ConcurrentHashMap<>();
  private final Map<String, StoredAccount> accounts = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
  private final List<StoredAccount> accountWrites = new CopyOnWriteArrayList<>();
  private volatile LocalCaMaterial localCa;

  @Override
  public List<String> names() { return new ArrayList<>(new TreeMap<>(specs).keySet()); }

  @Override
  public Optional<LineageSpec> spec(String name) { return Optional.ofNullable(specs.get(name)); }

  @Override
  public void saveSpec(LineageSpec spec) { specs.put(spec.name(), spec); }

  @Override
  public Optional<StoredVersion> current(String name) {
    List<StoredVersion> v = versions.getOrDefault(name, List.of());
    return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
  }

  @Override
  public List<StoredVersion> versions(String name) { return List.copyOf(versions.getOrDefault(name, List.of())); }

  @Override
  public CertificateBundle load(String name, int version) {
    CertificateBundle b = bundles.get(name + "/" + version);
    if (b == null) {
      throw new IllegalArgumentException("no version " + version + " of " + name);
    }
    return b;
  }

  @Override
  public synchronized StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details) {
    List<StoredVersion> list = versions.computeIfAbsent(name, k -> new ArrayList<>());
    int n = list.size() + 1;
    StoredVersion v = new StoredVersion(n, source, bundle.names(), bundle.notBefore(), bundle.notAfter(), bundle.serial(),
        Fingerprints.sha256(bundle.leaf()), bundle.leaf().getIssuerX500Principal().getName(),
        KeyType.of(bundle.leaf().getPublicKey()).id(), Instant.now(), details);
    list.add(v);
    bundles.put(name + "/" + n, bundle);
    return v;
  }

  @Override
  public Optional<PrivateKey> pendingKey(String name) { return Optional.ofNullable(pending.get(name)); }

  @Override
  public void savePendingKey(String name, PrivateKey key) { pending.put(name, key); }

  @Override
  public void clearPendingKey(String name) { pending.remove(name); }

  @Override
  public Optional<PendingOrder> pendingOrder(String name) { return Optional.ofNullable(orders.get(name)); }

  @Override
  public void savePendingOrder(String name, PendingOrder order) { orders.put(name, order); }

  @Override
  public void clearPendingOrder(String name) { orders.remove(name); }

  @Override
  public Deployments deployments(String name) { return deployments.getOrDefault(name, Deployments.empty()); }

  @Override
  public void saveDeployments(String name, Deployments d) { deployments.put(name, d); }

  @Override
  public LineageState state(String name) { return states.getOrDefault(name, LineageState.empty()); }

  @Override
  public void saveState(String name, LineageState state) { states.put(name, state); }

  @Override
  public Lock lock(String name) {
    ReentrantLock l = locks.computeIfAbsent(name, k -> new ReentrantLock());
    l.lock();
    return l::unlock;
  }

  @Override
  public Lock lockAccount(URI directory, String accountName) { return lock("account:" + directory + " " + accountName); }

  @Override
  public Optional<StoredAccount> account(URI directory, String accountName) {
    return Optional.ofNullable(accounts.get(directory + " " + accountName));
  }

  @Override
  public void saveAccount(StoredAccount account) {
    accounts.put(account.directory() + " " + account.name(), account);
    accountWrites.add(account);
  }

  /** Every account write in order (to check the key is saved before registration). */
  public List<StoredAccount> accountWrites() { return List.copyOf(accountWrites); }

  @Override
  public Optional<LocalCaMaterial> localCa() { return Optional.ofNullable(localCa); }

  @Override
  public void saveLocalCa(LocalCaMaterial ca) { this.localCa = ca; }
}
