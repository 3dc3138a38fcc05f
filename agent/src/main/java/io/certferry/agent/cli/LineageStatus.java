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
    Optional<LineageSpec> spec = store.spec(name);
    List<Target> targets = targets(spec, store.deployments(name), current.map(StoredVersion::sha256).orElse(null));
    if (current.isEmpty()) {
      return new LineageStatus(name, spec.map(LineageSpec::source).orElse(null),
          spec.map(LineageSpec::domains).orElse(List.of()), null, null, null, null, null, null, "pending", targets);
    }
    StoredVersion v = current.get();
    return new LineageStatus(name, v.source(), v.domains(), v.notBefore(), v.notAfter(),
        CertificateState.daysLeft(v.notAfter(), now), v.serial(), v.sha256(), v.issuer(),
        CertificateState.of(v.notBefore(), v.notAfter(), now).id(), targets);
  }

  /** Every lineage of the store, soonest-expiring first, pending ones last (by name). */
  public static List<LineageStatus> all(CertificateStore store, Instant now) {
    List<LineageStatus> out = new ArrayList<>();
    for (String name : store.names()) {
      out.add(of(store, name, now));
    }
    out.sort(SOONEST_FIRST);
    return out;
  }

  static final Comparator<LineageStatus> SOONEST_FIRST = Comparator
      .comparing(LineageStatus::notAfter, Comparator.nullsLast(Comparator.naturalOrder()))
      .thenComparing(LineageStatus::name);

  private static List<Target> targets(Optional<LineageSpec> spec, Deployments deployments, String currentSha256) {
    TreeMap<String, String> byId = new TreeMap<>();
    spec.ifPresent(s -> s.targets().forEach(id -> byId.put(id, "stale")));
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
