package io.certferry.agent.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.certferry.core.CertificateState;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.Deployments;
import io.certferry.core.store.LineageSpec;
import io.certferry.core.store.StoredVersion;
import io.certferry.core.store.TargetDeployment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One lineage as {@code list}, {@code show} and the agent's {@code /status} report it. Built from
 * {@code meta.json}, {@code spec.json} and {@code deployments.json} only: no PEM, no key.
 *
 * @param state {@code valid}, {@code renewal-due}, {@code expiring}, {@code expired}, or {@code pending}
 *     for a lineage with only a pending key (a CSR sent, no certificate imported yet)
 */
@JsonPropertyOrder({"name", "source", "domains", "notBefore", "notAfter", "daysLeft", "serial", "sha256", "issuer",
    "state", "targets"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LineageStatus(String name, String source, List<String> domains, Instant notBefore, Instant notAfter,
                            Long daysLeft, String serial, String sha256, String issuer, String state,
                            List<Target> targets) {
  /** A target's state: {@code in-sync} (serves the current certificate), {@code stale} or {@code failed}. */
  public record Target(String id, String state) { }

  /** The status of lineage {@code name} at {@code now}. */
  public static LineageStatus of(CertificateStore store, String name, Instant now) {
    Optional<StoredVersion> current = store.current(name);
    List<Target> targets = targets(store.deployments(name), current.map(StoredVersion::sha256).orElse(null));
    if (current.isEmpty()) {
      // Only a pending key (csr ran, nothing imported yet): the spec says what it will be.
      Optional<LineageSpec> spec = store.spec(name);
      return new LineageStatus(name, spec.map(LineageSpec::source).orElse(null),
          spec.map(LineageSpec::domains).orElse(List.of()), null, null, null, null, null, null, "pending", targets);
    }
    StoredVersion v = current.get();
    return new LineageStatus(name, v.source(), v.domains(), v.notBefore(), v.notAfter(),
        CertificateState.daysLeft(v.notAfter(), now), v.serial(), v.sha256(), v.issuer(),
        CertificateState.of(v.notBefore(), v.notAfter(), now).id(), targets);
  }

  /**
   * Every lineage of the store, soonest-expiring first, pending ones last (by name). Lineages are
   * read in parallel: with thousands of them the small file reads dominate, and they overlap well.
   */
  public static List<LineageStatus> all(CertificateStore store, Instant now) {
    List<LineageStatus> out = new ArrayList<>(store.names().parallelStream().map(n -> of(store, n, now)).toList());
    out.sort(SOONEST_FIRST);
    return out;
  }

  static final Comparator<LineageStatus> SOONEST_FIRST = Comparator
      .comparing(LineageStatus::notAfter, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(LineageStatus::name);

  /** From deployments.json alone: a target never deployed to has no record yet and is not listed. */
  private static List<Target> targets(Deployments deployments, String currentSha256) {
    TreeMap<String, String> byId = new TreeMap<>();
    for (TargetDeployment d : deployments.targets().values()) {
      String state;
      if (d.result() == TargetDeployment.Result.FAILED) {
        state = "failed";
      } else if (d.result() == TargetDeployment.Result.IN_SYNC && currentSha256 != null && currentSha256.equals(d.sha256())) {
        state = "in-sync";
      } else {
        state = "stale";
      }
      byId.put(d.targetId(), state);
    }
    return byId.entrySet().stream().map(e -> new Target(e.getKey(), e.getValue())).toList();
  }
}
