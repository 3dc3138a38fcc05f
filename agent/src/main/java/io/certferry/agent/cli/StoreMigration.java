package io.certferry.agent.cli;

import io.certferry.core.CertificateBundle;
import io.certferry.core.issue.acme.AcmeDirectories;
import io.certferry.core.issue.acme.AcmeIssuer;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.LineageState;
import io.certferry.core.store.LocalCaMaterial;
import io.certferry.core.store.StoredAccount;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.x509.CertificateChecks;

import java.net.URI;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Copies one store into another ({@code certferry store migrate}): every lineage with all its versions in order,
 * its spec, state, deployment records, pending key and pending order; the ACME accounts the lineages name (their
 * issuer block, and the account each version was issued with); the local CA. It only reads the source.
 *
 * <p>Idempotent: a version the destination has already (same number, same fingerprint) is not copied again, and
 * the spec, state and deployment records of a lineage it already holds whole are its own, so a second run copies
 * nothing and never undoes what the agents on the destination did since. A lineage, account or local CA that the destination holds differently (it was changed
 * there since) is a conflict: reported, left alone on both sides. After copying, each lineage's versions are read
 * back from the destination and their fingerprints compared with the source's, and the current version's key is
 * checked against its certificate.
 */
final class StoreMigration {
  /** What one run did. */
  record Result(int lineages, int versionsCopied, int versionsThere, int accounts, boolean localCa, List<String> conflicts) {}

  private final CertificateStore from;
  private final CertificateStore to;
  private final List<String> conflicts = new ArrayList<>();
  private int copied;
  private int there;

  StoreMigration(CertificateStore from, CertificateStore to) {
    this.from = from;
    this.to = to;
  }

  Result run() {
    List<String> names = from.names();
    Set<String> accountKeys = new LinkedHashSet<>();
    for (String name : names) {
      accountKeys.addAll(accountsNamedBy(name));
      try (CertificateStore.Lock lock = to.lock(name)) {
        lineage(name);
      }
    }
    int accounts = 0;
    for (String key : accountKeys) {
      int nl = key.indexOf('\n');
      if (account(URI.create(key.substring(0, nl)), key.substring(nl + 1))) {
        accounts++;
      }
    }
    return new Result(names.size(), copied, there, accounts, localCa(), List.copyOf(conflicts));
  }

  private void lineage(String name) {
    List<StoredVersion> have = from.versions(name);
    List<StoredVersion> there0 = to.versions(name);
    for (int i = 0; i < there0.size(); i++) {
      if (i >= have.size() || !have.get(i).sha256().equals(there0.get(i).sha256())) {
        conflicts.add("lineage '" + name + "': the destination's version " + there0.get(i).number() + " ("
            + there0.get(i).sha256() + ") is not the source's" + (i < have.size() ? " (" + have.get(i).sha256() + ")" : "")
            + "; it was changed there since; nothing copied for this lineage");
        return;
      }
    }
    there += there0.size();
    for (StoredVersion v : have.subList(there0.size(), have.size())) {
      to.addVersion(name, from.load(name, v.number()), v.source(), v.details());
      copied++;
    }
    // What the destination already had for a lineage it holds every version of is its own (the agents there may
    // have moved on since an earlier run): only what it lacks is copied.
    boolean fresh = there0.size() < have.size() || to.spec(name).isEmpty();
    Optional<LineageSpec> spec = from.spec(name);
    if (spec.isPresent() && fresh && !spec.equals(to.spec(name))) {
      to.saveSpec(spec.get());
    }
    Optional<PrivateKey> pending = from.pendingKey(name);
    if (pending.isPresent() && to.pendingKey(name).isEmpty()) {
      to.savePendingKey(name, pending.get());
    }
    if (to.pendingOrder(name).isEmpty()) {
      from.pendingOrder(name).ifPresent(o -> to.savePendingOrder(name, o));
    }
    Deployments deployments = from.deployments(name);
    Deployments thereNow = to.deployments(name);
    if ((fresh || thereNow.targets().isEmpty()) && !deployments.equals(thereNow)) {
      to.saveDeployments(name, deployments);
    }
    LineageState state = from.state(name);
    LineageState stateThere = to.state(name);
    if ((fresh || stateThere.equals(LineageState.empty())) && !state.equals(stateThere)) {
      to.saveState(name, state);
    }
    verify(name, have);
  }

  /** Reads the lineage back from the destination: the same fingerprints in the same order, the current key its own. */
  private void verify(String name, List<StoredVersion> have) {
    List<String> want = have.stream().map(StoredVersion::sha256).toList();
    List<String> got = to.versions(name).stream().map(StoredVersion::sha256).toList();
    if (!got.equals(want)) {
      conflicts.add("lineage '" + name + "': after copying, the destination holds versions " + got + " but the source "
          + want + "; run the migration again, and if it repeats, compare the two stores by hand");
      return;
    }
    if (!have.isEmpty()) {
      CertificateBundle b = to.load(name, to.versions(name).get(got.size() - 1).number());
      if (!b.sha256().equals(want.get(want.size() - 1)) || !CertificateChecks.keyMatches(b.leaf().getPublicKey(), b.privateKey())) {
        conflicts.add("lineage '" + name + "': the destination's current version does not read back as the source's "
            + "(certificate " + b.sha256() + ", or its key does not match it)");
      }
    }
  }

  /** The ACME accounts a lineage names: its issuer block's, and the one each of its versions was issued with. */
  private Set<String> accountsNamedBy(String name) {
    Set<String> out = new LinkedHashSet<>();
    from.spec(name).map(LineageSpec::issuer).filter(b -> b.path("type").asText().equals("acme") && b.hasNonNull("server"))
        .ifPresent(b -> {
          try {
            out.add(AcmeDirectories.resolve(b.get("server").asText()) + "\n" + b.path("account").asText("default"));
          } catch (IllegalArgumentException unreadable) {
            // a spec the engine itself would refuse names no account to copy
          }
        });
    for (StoredVersion v : from.versions(name)) {
      String dir = v.details().get(AcmeIssuer.DIRECTORY);
      if (dir != null) {
        out.add(URI.create(dir) + "\n" + v.details().getOrDefault(AcmeIssuer.ACCOUNT, "default"));
      }
    }
    return out;
  }

  private boolean account(URI directory, String name) {
    Optional<StoredAccount> a = from.account(directory, name);
    if (a.isEmpty()) {
      return false;
    }
    try (CertificateStore.Lock lock = to.lockAccount(directory, name)) {
      Optional<StoredAccount> b = to.account(directory, name);
      if (b.isPresent()) {
        if (!Arrays.equals(b.get().keyPair().getPublic().getEncoded(), a.get().keyPair().getPublic().getEncoded())) {
          conflicts.add("ACME account '" + name + "' at " + directory + ": the destination has another key for it; "
              + "left as it is there");
        }
        return false;
      }
      to.saveAccount(a.get());
      return true;
    }
  }

  private boolean localCa() {
    Optional<LocalCaMaterial> ca = from.localCa();
    if (ca.isEmpty()) {
      return false;
    }
    Optional<LocalCaMaterial> there = to.localCa();
    if (there.isPresent()) {
      if (!there.get().certificate().equals(ca.get().certificate())) {
        conflicts.add("local CA: the destination has another one (" + there.get().certificate().getSubjectX500Principal()
            + "); left as it is there");
      }
      return false;
    }
    to.saveLocalCa(ca.get());
    return true;
  }
}
