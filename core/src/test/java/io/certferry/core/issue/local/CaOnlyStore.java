package io.certferry.core.issue.local;

import io.certferry.core.CertificateBundle;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.PendingOrder;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.store.StoredVersion;

import java.net.URI;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A store that only keeps the local CA, counting saves: what {@link LocalCaIssuer} touches. */
final class CaOnlyStore implements CertificateStore {
  LocalCaMaterial ca;
  int saves;

  @Override public Optional<LocalCaMaterial> localCa() { return Optional.ofNullable(ca); }

  @Override public void saveLocalCa(LocalCaMaterial material) { ca = material; saves++; }

  @Override public List<String> names() { throw new UnsupportedOperationException(); }
  @Override public Optional<LineageSpec> spec(String name) { throw new UnsupportedOperationException(); }
  @Override public void saveSpec(LineageSpec spec) { throw new UnsupportedOperationException(); }
  @Override public Optional<StoredVersion> current(String name) { throw new UnsupportedOperationException(); }
  @Override public List<StoredVersion> versions(String name) { throw new UnsupportedOperationException(); }
  @Override public CertificateBundle load(String name, int version) { throw new UnsupportedOperationException(); }
  @Override public StoredVersion addVersion(String name, CertificateBundle b, String source, Map<String, String> d) {
    throw new UnsupportedOperationException();
  }
  @Override public Optional<PrivateKey> pendingKey(String name) { throw new UnsupportedOperationException(); }
  @Override public void savePendingKey(String name, PrivateKey key) { throw new UnsupportedOperationException(); }
  @Override public void clearPendingKey(String name) { throw new UnsupportedOperationException(); }
  @Override public Optional<PendingOrder> pendingOrder(String name) { throw new UnsupportedOperationException(); }
  @Override public void savePendingOrder(String name, PendingOrder o) { throw new UnsupportedOperationException(); }
  @Override public void clearPendingOrder(String name) { throw new UnsupportedOperationException(); }
  @Override public Lock lockAccount(URI directory, String account) { throw new UnsupportedOperationException(); }
  @Override public Deployments deployments(String name) { throw new UnsupportedOperationException(); }
  @Override public void saveDeployments(String name, Deployments d) { throw new UnsupportedOperationException(); }
  @Override public LineageState state(String name) { throw new UnsupportedOperationException(); }
  @Override public void saveState(String name, LineageState state) { throw new UnsupportedOperationException(); }
  final List<String> locks = new ArrayList<>();

  @Override public Lock lock(String name) {
    locks.add(name);
    return () -> { };
  }
  @Override public Optional<StoredAccount> account(URI directory, String accountName) { throw new UnsupportedOperationException(); }
  @Override public void saveAccount(StoredAccount account) { throw new UnsupportedOperationException(); }
}
