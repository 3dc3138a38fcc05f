package io.certferry.agent.run;

import io.certferry.agent.config.AgentConfig;
import io.certferry.core.CertificateStatus;
import io.certferry.core.ReconcileReport;
import io.certferry.core.issue.IssueException;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.notify.Notifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The agent's Prometheus metrics, named after cert-manager's where they overlap, labelled by
 * {@code certificate} and {@code target}. Gauges follow the last pass's report; counters follow
 * lifecycle events. Labels carry names and ids only, never a secret.
 *
 * <p>Built for a config, every counter series the config can produce is there from the start at zero
 * (deploys by target and result, ACME orders by result), and every certificate's ready condition is
 * {@code Unknown} until its first pass, so that a restart never makes a series vanish and
 * {@code rate()} and {@code absent()} rules keep working, as Prometheus' instrumentation guidance asks.
 */
public final class AgentMetrics implements Notifier {
  static final String DEPLOY = "certferry.deploy";
  static final String ACME = "certferry.acme.requests";
  static final String READY = "certferry.certificate.ready.status";
  static final String ISSUER = "certferry.certificate.issuer";
  static final List<String> DEPLOY_RESULTS = List.of("success", "failure");
  /** {@code success} and each kind of failed issuance ({@link IssueException.Kind#label()}). */
  static final List<String> ACME_RESULTS = acmeResults();
  private static final Set<String> FAILURE_KINDS = Arrays.stream(IssueException.Kind.values())
      .map(IssueException.Kind::label).collect(Collectors.toUnmodifiableSet());

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

  /** Metrics with no series until events and passes bring them (for tests of a single family). */
  public AgentMetrics() {}

  /** Metrics with every series of {@code config}'s certificates and targets registered. */
  public AgentMetrics(AgentConfig config) {
    for (AgentConfig.CertificateConfig c : config.certificates()) {
      for (AgentConfig.TargetConfig t : c.targets()) {
        DEPLOY_RESULTS.forEach(r -> deployCounter(c.name(), t.id(), r));
      }
      if (c.source().equals("acme")) {
        ACME_RESULTS.forEach(r -> acmeCounter(c.name(), r));
      }
      ready(c.name(), "Unknown");
    }
  }

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
      case VERIFIED -> deployCounter(e.certificate(), e.target().orElse(""), "success").increment();
      case DEPLOY_FAILED -> deployCounter(e.certificate(), e.target().orElse(""), "failure").increment();
      case ISSUED, RENEWED -> acme(e, "success");
      case RENEWAL_FAILED, RATE_LIMITED -> acme(e, failureResult(e));
      default -> { }
    }
  }

  /**
   * The {@code result} of a failed issuance: the failure's kind when the event names it in its
   * {@code result} detail, else what the event type says (a rate limit, or a failure of unknown kind).
   */
  static String failureResult(LifecycleEvent e) {
    String kind = e.details().get("result");
    if (kind != null && FAILURE_KINDS.contains(kind)) {
      return kind;
    }
    return e.type() == LifecycleEvent.Type.RATE_LIMITED ? IssueException.Kind.RATE_LIMITED.label() : "failure";
  }

  private Counter deployCounter(String certificate, String target, String result) {
    return Counter.builder(DEPLOY).description("Deploys to a target, by result")
        .tag("certificate", certificate).tag("target", target).tag("result", result).register(registry);
  }

  private void acme(LifecycleEvent e, String result) {
    if ("acme".equals(e.details().get("source"))) {
      acmeCounter(e.certificate(), result).increment();
    }
  }

  private Counter acmeCounter(String certificate, String result) {
    return Counter.builder(ACME).description("ACME certificate orders, by result")
        .tag("certificate", certificate).tag("result", result).register(registry);
  }

  private static List<String> acmeResults() {
    List<String> out = new ArrayList<>(List.of("success"));
    Arrays.stream(IssueException.Kind.values()).map(IssueException.Kind::label).forEach(out::add);
    return List.copyOf(out);
  }

  /** Sets the gauges from a finished pass. */
  public void update(ReconcileReport report) {
    for (CertificateStatus c : report.certificates()) {
      c.current().ifPresent(v -> set("certferry.certificate.expiration.timestamp.seconds",
          "The date after which the certificate expires, as a Unix timestamp", v.notAfter().getEpochSecond(),
          "certificate", c.name()));
      c.current().ifPresent(v -> issuer(c.name(), v.details().getOrDefault("issuer", v.source())));
      c.renewAt().ifPresent(r -> set("certferry.certificate.renewal.timestamp.seconds",
          "The time the certificate is due for renewal, as a Unix timestamp", r.getEpochSecond(), "certificate", c.name()));
      // As cert-manager's certmanager_certificate_ready_status: one series per condition, the true one at 1,
      // so alert rules written for cert-manager carry over (condition="False" == 1 pages).
      ready(c.name(), c.good() ? "True" : "False");
      // The engine's state, one series per state with the current one at 1 (kube-state-metrics' enum
      // pattern), and the days left by the same rule list and run --once print, as of this pass.
      for (String st : new String[] {"valid", "renewal-due", "expiring", "expired", "missing", "pending"}) {
        set("certferry.certificate.state", "The certificate's state as list and /status report it (1 for the current one)",
            st.equals(c.state()) ? 1 : 0, "certificate", c.name(), "state", st);
      }
      // In seconds, Prometheus' base unit (promtool refuses a days metric), but whole days by the one
      // days-left rule, so it says what list and /status say: days left x 86400.
      c.daysLeft().ifPresent(d -> set("certferry.certificate.time.left.seconds",
          "Time left until expiry as of the last pass, in whole days counted toward zero (the days left that list "
              + "and /status show), times 86400", d * 86400.0, "certificate", c.name()));
      for (CertificateStatus.TargetStatus t : c.targets()) {
        set("certferry.target.in.sync", "1 when the target serves the current certificate, else 0",
            t.state().equals("in-sync") ? 1 : 0, "certificate", c.name(), "target", t.id());
      }
    }
  }

  /**
   * Which issuer made the current version (a CA's directory URL, {@code local} or {@code imported}): one series
   * per issuer seen since start, the current one at 1, so a fallback shows as the series changing.
   */
  private void issuer(String certificate, String issuer) {
    String prefix = ISSUER + "certificate|" + certificate + "|issuer|";
    gauges.forEach((key, holder) -> {
      if (key.startsWith(prefix)) {
        holder.set(0.0);
      }
    });
    set(ISSUER, "The issuer of the current certificate (1), and the others it had since the agent started (0)", 1,
        "certificate", certificate, "issuer", issuer);
  }

  /** One series per condition, the one that holds at 1 (Unknown until a pass has judged the certificate). */
  private void ready(String certificate, String holds) {
    for (String condition : new String[] {"True", "False", "Unknown"}) {
      set(READY, "The ready condition of the certificate: valid and served by every target (True), not (False), "
          + "or not judged yet (Unknown)", condition.equals(holds) ? 1 : 0, "certificate", certificate, "condition", condition);
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
