package io.certferry.agent.run;

import io.certferry.core.ReconcileReport;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The agent's Prometheus metrics, named after cert-manager's where they overlap, labelled by
 * {@code certificate} and {@code target}. Gauges follow the last pass's report; counters follow
 * lifecycle events. Labels carry names and ids only, never a secret.
 */
public final class AgentMetrics implements Notifier {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  public PrometheusMeterRegistry registry() { return registry; }

  /** The Prometheus text exposition of every metric. */
  public String scrape() { return registry.scrape(); }

  /** Counts deploys and ACME requests as their events arrive. */
  @Override
  public void notify(LifecycleEvent e) {
    if (e.details().containsKey("alert")) {
      return; // alerts repeat what the underlying event already counted
    }
    switch (e.type()) {
      case VERIFIED -> deploy(e, "success");
      case DEPLOY_FAILED -> deploy(e, "failure");
      case ISSUED, RENEWED -> acme(e, "success");
      case RENEWAL_FAILED, RATE_LIMITED -> acme(e, e.details().getOrDefault("result",
          e.type() == LifecycleEvent.Type.RATE_LIMITED ? "rate-limited" : "failure"));
      default -> { }
    }
  }

  private void deploy(LifecycleEvent e, String result) {
    Counter.builder("certferry.deploy").description("Deploys to a target, by result")
        .tag("certificate", e.certificate()).tag("target", e.target().orElse("")).tag("result", result)
        .register(registry).increment();
  }

  private void acme(LifecycleEvent e, String result) {
    if (!"acme".equals(e.details().get("source"))) {
      return;
    }
    Counter.builder("certferry.acme.requests").description("ACME certificate orders, by result")
        .tag("certificate", e.certificate()).tag("result", result).register(registry).increment();
  }

  /** Sets the gauges from a finished pass. */
  public void update(ReconcileReport report) {
    for (io.certferry.core.CertificateStatus c : report.certificates()) {
      c.current().ifPresent(v -> set("certferry.certificate.expiration.timestamp.seconds",
          "The date after which the certificate expires, as a Unix timestamp", v.notAfter().getEpochSecond(),
          "certificate", c.name()));
      c.renewAt().ifPresent(r -> set("certferry.certificate.renewal.timestamp.seconds",
          "The time the certificate is due for renewal, as a Unix timestamp", r.getEpochSecond(), "certificate", c.name()));
      // As cert-manager's certmanager_certificate_ready_status: one series per condition, the true one at 1,
      // so alert rules written for cert-manager carry over (condition="False" == 1 pages).
      for (String condition : new String[] {"True", "False", "Unknown"}) {
        boolean holds = condition.equals(c.good() ? "True" : "False");
        set("certferry.certificate.ready.status",
            "The ready condition of the certificate: valid and served by every target (True) or not (False)",
            holds ? 1 : 0, "certificate", c.name(), "condition", condition);
      }
      // The engine's state, one series per state with the current one at 1 (kube-state-metrics' enum
      // pattern), and the days left by the same rule list and run --once print, as of this pass.
      for (String st : new String[] {"valid", "renewal-due", "expiring", "expired", "missing", "pending"}) {
        set("certferry.certificate.state", "The certificate's state as list and /status report it (1 for the current one)",
            st.equals(c.state()) ? 1 : 0, "certificate", c.name(), "state", st);
      }
      c.daysLeft().ifPresent(d -> set("certferry.certificate.days.left",
          "Whole days left until expiry, counted toward zero, as of the last pass", d, "certificate", c.name()));
      for (io.certferry.core.CertificateStatus.TargetStatus t : c.targets()) {
        set("certferry.target.in.sync", "1 when the target serves the current certificate, else 0",
            t.state().equals("in-sync") ? 1 : 0, "certificate", c.name(), "target", t.id());
      }
    }
  }

  private void set(String name, String help, double value, String... tags) {
    String key = name + String.join("|", tags);
    AtomicReference<Double> holder = gauges.computeIfAbsent(key, k -> {
      AtomicReference<Double> h = new AtomicReference<>(value);
      Gauge.builder(name, h, AtomicReference::get).description(help).tags(tags).register(registry);
      return h;
    });
    holder.set(value);
  }
}
