package io.certferry.core.store;

import io.certferry.core.CertificateBundle;

import java.net.URI;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Certferry keeps everything: lineages of certificate versions with a current pointer,
 * what each target holds, renewal state, ACME accounts and the local CA.
 *
 * <p>Implementations make every write atomic (a crash leaves the old or the new state, never a
 * mix), never rewrite a version, keep private keys unreadable by others, and never put key material
 * into exceptions. Reads of metadata ({@link #current}, {@link #versions}) do not parse keys.
 * The default is {@link FileStore}.
 *
 * @since 0.1
 */
public interface CertificateStore {
  /**
   * Names of all lineages, sorted.
   *
   * @since 0.1
   */
  List<String> names();

  /**
   * What is managed under {@code name}, if it was saved.
   *
   * @since 0.1
   */
  Optional<LineageSpec> spec(String name);

  /**
   * Saves what is managed under a lineage, atomically.
   *
   * @since 0.1
   */
  void saveSpec(LineageSpec spec);

  /**
   * Metadata of the current version, read without parsing certificates or keys.
   *
   * @since 0.1
   */
  Optional<StoredVersion> current(String name);

  /**
   * Metadata of every version, oldest first.
   *
   * @since 0.1
   */
  List<StoredVersion> versions(String name);

  /**
   * The full bundle of one version, key included.
   *
   * @since 0.1
   */
  CertificateBundle load(String name, int version);

  /**
   * The current version's full bundle, key included, if the lineage has one.
   *
   * @since 0.1
   */
  default Optional<CertificateBundle> currentBundle(String name) {
    return current(name).map(v -> load(name, v.number()));
  }

  /**
   * Writes the bundle as a new version and makes it current, both atomically. Returns the metadata
   * written. {@code source} is {@code acme}, {@code imported} or {@code local}; {@code details} holds
   * issuer facts worth keeping (certificate URL for revocation, ARI id, order URL).
   *
   * @since 0.1
   */
  StoredVersion addVersion(String name, CertificateBundle bundle, String source, Map<String, String> details);

  /**
   * The key kept by {@code certferry csr} until the certificate for it is imported.
   *
   * @since 0.1
   */
  Optional<PrivateKey> pendingKey(String name);

  /**
   * Keeps the key {@code certferry csr} made (0600) until its certificate is imported.
   *
   * @since 0.1
   */
  void savePendingKey(String name, PrivateKey key);

  /**
   * Forgets the pending key (after its certificate was imported).
   *
   * @since 0.1
   */
  void clearPendingKey(String name);

  /**
   * The ACME order placed for this lineage and not yet stored as a version, if any.
   *
   * @since 0.1
   */
  Optional<PendingOrder> pendingOrder(String name);

  /**
   * Keeps an order the CA accepted (key 0600) before anything else happens to it.
   *
   * @since 0.1
   */
  void savePendingOrder(String name, PendingOrder order);

  /**
   * Forgets the kept order (after its certificate was stored, or it failed for good).
   *
   * @since 0.1
   */
  void clearPendingOrder(String name);

  /**
   * What each target of the lineage holds, as last recorded.
   *
   * @since 0.1
   */
  Deployments deployments(String name);

  /**
   * Records what each target holds, atomically.
   *
   * @since 0.1
   */
  void saveDeployments(String name, Deployments deployments);

  /**
   * The lineage's renewal state (rate limits, backoff, ARI window, alerts sent); empty when none was saved.
   *
   * @since 0.1
   */
  LineageState state(String name);

  /**
   * Saves the lineage's renewal state, atomically.
   *
   * @since 0.1
   */
  void saveState(String name, LineageState state);

  /**
   * Takes the lineage's lock, held across processes until closed; blocks up to the store's lock
   * timeout, then throws {@link LockedElsewhereException} naming the lineage and its holder. A store shared across
   * machines holds it as a lease that lapses when its holder stops renewing it (paused, cut off); from then on
   * the holder's writes to the lineage fail with a {@link StoreException} and are not applied.
   *
   * @since 0.1
   */
  Lock lock(String name);

  /**
   * Takes the lineage's lock only if nobody else holds it, without waiting: the engine's pass skips a lineage
   * another agent or process is working on (it is reported as owned elsewhere) instead of waiting for it, so one
   * busy lineage never holds up the others. Re-entrant like {@link #lock}. The default waits like {@link #lock}.
   *
   * @throws LockedElsewhereException naming who holds it and, for a lease, when it lapses
   * @since 0.1
   */
  default Lock tryLock(String name) { return lock(name); }

  /**
   * The lineages the engine wants to look at by {@code now}: those whose {@link LineageState#nextDue()}
   * is at or before it, or unset, and those whose current version is not the one their state was planned for (a
   * version added since, by whichever door or agent). A store with an index answers without reading every lineage
   * (it marks a lineage due when it stores a new version of it).
   *
   * @since 0.1
   */
  default List<String> due(Instant now) {
    return names().stream().filter(n -> {
      LineageState s = state(n);
      Instant next = s.nextDue();
      if (next == null || !next.isAfter(now)) {
        return true;
      }
      Optional<StoredVersion> v = current(n);
      return v.isPresent() && (s.plan() == null || !s.plan().sha256().equals(v.get().sha256()));
    }).toList();
  }

  /**
   * The summary of every lineage of {@link #names()}, in the same order: what {@code list} and {@code /status}
   * show. The default reads lineage by lineage, several at once (small files dominate); a store over a database
   * answers with one query, which is what makes {@code list} cheap over 100,000 lineages.
   *
   * @since 0.1
   */
  default List<LineageSummary> summaries() {
    return names().parallelStream().map(n -> LineageSummary.read(this, n)).toList();
  }

  /**
   * Takes the lock of one ACME account, held across processes (and, for a shared store, across
   * machines) until closed: registration runs under it, so two agents never register one account twice
   * or pair one account's key with another's URL.
   *
   * @since 0.1
   */
  Lock lockAccount(URI directory, String accountName);

  /**
   * The ACME account kept for a directory under a local name, if registered.
   *
   * @since 0.1
   */
  Optional<StoredAccount> account(URI directory, String accountName);

  /**
   * Keeps an ACME account (key 0600) and its URL.
   *
   * @since 0.1
   */
  void saveAccount(StoredAccount account);

  /**
   * What the engine last saw at the watched endpoint {@code name} ({@link io.certferry.core.WatchedEndpoint}).
   * A store that keeps none (this default) answers empty: its agents then forget, across a restart, which
   * expiry alerts they sent about watched endpoints, and send the current one again once.
   *
   * @since 0.1
   */
  default Optional<WatchRecord> watchRecord(String name) { return Optional.empty(); }

  /**
   * Every watch record kept, by name.
   *
   * @since 0.1
   */
  default List<WatchRecord> watchRecords() { return List.of(); }

  /**
   * Keeps a watch record (atomically, like every write); the default keeps nothing.
   *
   * @since 0.1
   */
  default void saveWatchRecord(WatchRecord record) { }

  /**
   * Forgets an endpoint no longer watched.
   *
   * @since 0.1
   */
  default void deleteWatchRecord(String name) { }

  /**
   * The local CA's certificate and key, if one was created.
   *
   * @since 0.1
   */
  Optional<LocalCaMaterial> localCa();

  /**
   * Keeps the local CA's certificate and key (key 0600).
   *
   * @since 0.1
   */
  void saveLocalCa(LocalCaMaterial ca);

  /**
   * An exclusive lock on one lineage.
   *
   * @since 0.1
   */
  interface Lock extends AutoCloseable {
    @Override
    void close();
  }
}
