package io.certferry.agent.run;

import io.certferry.core.ReconcileReport;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** What the HTTP endpoints read: the last finished pass. */
public final class AgentState {
  private final AtomicReference<ReconcileReport> last = new AtomicReference<>();

  void finished(ReconcileReport report) { last.set(report); }

  public Optional<ReconcileReport> lastPass() { return Optional.ofNullable(last.get()); }

  /** Ready when a pass has finished and no certificate is expired or missing. */
  public boolean ready() {
    ReconcileReport r = last.get();
    return r != null && r.certificates().stream().allMatch(io.certferry.core.CertificateStatus::ready);
  }
}
