package io.certferry.agent.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.certferry.core.CertificateStatus;
import io.certferry.core.store.StoredVersion;

import java.time.Instant;
import java.util.List;

/**
 * One certificate as {@code list --json}, {@code show --json} and the agent's {@code /status} print it: the
 * JSON shape of the engine's {@link CertificateStatus}, field for field the same whichever door.
 *
 * @param issuedBy the issuer that made the current version ({@code Issuer.id()}: a CA's directory URL, {@code local})
 * @param state {@code valid}, {@code renewal-due}, {@code expiring}, {@code expired}, {@code missing}, or
 *     {@code pending} for a lineage whose CSR went out and whose certificate is not imported yet
 */
@JsonPropertyOrder({"name", "source", "domains", "notBefore", "notAfter", "daysLeft", "serial", "sha256", "issuer",
    "issuedBy", "state", "renewAt", "renewReason", "error", "targets"})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LineageStatus(String name, String source, List<String> domains, Instant notBefore, Instant notAfter,
                            Long daysLeft, String serial, String sha256, String issuer, String issuedBy, String state,
                            Instant renewAt,
                            String renewReason, String error, List<Target> targets) {
  /**
   * A target's state: {@code in-sync} (serves the current certificate), {@code stale}, {@code waiting} (for its
   * maintenance window) or {@code failed}; for a target of several servers (nginx frontends), their names as of
   * the last deploy (absent for a target of one).
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record Target(String id, String state, List<String> frontends) { }

  /** The JSON view of a status. */
  public static LineageStatus of(CertificateStatus s) {
    StoredVersion v = s.current().orElse(null);
    return new LineageStatus(s.name(), s.source(), s.domains(), v == null ? null : v.notBefore(),
        v == null ? null : v.notAfter(), s.daysLeft().orElse(null), v == null ? null : v.serial(),
        v == null ? null : v.sha256(), v == null ? null : v.issuer(),
        v == null ? null : v.details().getOrDefault("issuer", v.source()), s.state(), s.renewAt().orElse(null),
        s.renewReason().orElse(null), s.error().orElse(null),
        s.targets().stream().map(t -> new Target(t.id(), t.state(), t.frontends())).toList());
  }

  /** The JSON views of many. */
  public static List<LineageStatus> of(List<CertificateStatus> all) {
    return all.stream().map(LineageStatus::of).toList();
  }
}
