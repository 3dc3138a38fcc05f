package io.certferry.core.simulation;

import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.notify.LifecycleEvent;
import io.certferry.core.store.CertificateStore;
import io.certferry.core.store.StoredVersion;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a year of one scenario with one profile came to, measured from the world's side (what targets served,
 * what the CAs saw, what people were told), never from the engine's own account.
 *
 * @param harmfulMinutes minutes during which any target served an expired or revoked certificate
 * @param firstHarm the first such minute, if any
 * @param fewestOrders the orders the year needs at the least: a certificate per lifetime per name set, one more
 *     for each revoked certificate in use
 * @param requestsByKind the CAs' requests over the year, by kind
 * @param alerts the alerts people got (notifiers), by type
 * @param firstAlert when people first heard of a problem (a warning or worse)
 * @param events every event the engine sent (logs, metrics), alerts included
 * @param peaks the busiest window of each of Let's Encrypt's limits
 * @param limitsExceeded Let's Encrypt's limits the year went over, and requests the CA would have refused
 * @param storeProblems what is wrong in the store after the year (a certificate stored twice)
 * @param life what the agent went through: restarts, deaths mid-pass, fallbacks, deploys outside a window
 */
record RunResult(Scenario scenario, Profile profile, long harmfulMinutes, Instant firstHarm, OrderAudit.Findings orders,
                 long fewestOrders, Map<Ledger.Kind, Long> requestsByKind, long requestsMaxPerDay,
                 double requestsMeanPerDay, int deploys, Map<LifecycleEvent.Type, Long> alerts, Instant firstAlert,
                 List<LifecycleEvent> events, int passes, LetsEncryptLimits.Peaks peaks, List<String> limitsExceeded,
                 List<String> storeProblems, Life life, Duration wallTime) {
  /**
   * What the agent went through.
   *
   * @param outsideWindow deploys to a windowed target while its window was shut (by the agent's clock)
   * @param outsideAnnounced those of them announced at the time with the reason
   */
  record Life(int processes, int restarts, List<String> crashes, int clockSteps, long fallbackCertificates,
              int outsideWindow, int outsideAnnounced) {}

  static RunResult of(Scenario scenario, World w, CertificateStore store, List<AgentProcess.Sent> sent, int passes,
                      int processes, int restarts, List<String> crashes, Duration wall) {
    List<Period> harm = new ArrayList<>();
    w.targets.values().forEach(t -> harm.addAll(t.harmful(w.ledger, w.end())));
    Set<String> stored = new HashSet<>();
    List<String> storeProblems = new ArrayList<>();
    for (String name : store.names()) {
      List<String> shas = store.versions(name).stream().map(StoredVersion::sha256).toList();
      stored.addAll(shas);
      if (new HashSet<>(shas).size() != shas.size()) {
        storeProblems.add(name + ": a certificate is stored as more than one version (" + shas.size() + " versions, "
            + new HashSet<>(shas).size() + " certificates)");
      }
    }
    List<String> limits = new ArrayList<>(LetsEncryptLimits.exceeded(w.ledger));
    limits.addAll(w.ledger.violations());
    List<AgentProcess.Sent> alerts = sent.stream().filter(AgentProcess.Sent::alert).toList();
    Instant firstAlert = alerts.stream().filter(a -> a.event().type().severity() != LifecycleEvent.Severity.INFO)
        .map(AgentProcess.Sent::worldTime).min(Instant::compareTo).orElse(null);
    Map<LifecycleEvent.Type, Long> byType = alerts.stream().collect(Collectors.groupingBy(a -> a.event().type(),
        TreeMap::new, Collectors.counting()));
    long[] perDay = requestsPerDay(w);
    Map<Ledger.Kind, Long> byKind = w.ledger.requests().stream().collect(Collectors.groupingBy(Ledger.Request::kind,
        () -> new EnumMap<>(Ledger.Kind.class), Collectors.counting()));
    List<LifecycleEvent> events = sent.stream().filter(e -> !e.alert()).map(AgentProcess.Sent::event).toList();
    return new RunResult(scenario, w.profile, Period.minutes(harm), Period.first(harm),
        OrderAudit.audit(w.ledger, w.largestClockOffset(), stored), fewestOrders(w), byKind,
        Arrays.stream(perDay).max().orElse(0), Arrays.stream(perDay).average().orElse(0),
        w.targets.values().stream().mapToInt(t -> t.deploys().size()).sum(), byType, firstAlert, events, passes,
        LetsEncryptLimits.peaks(w.ledger), limits, storeProblems, life(w, sent, processes, restarts, crashes), wall);
  }

  long requests(Ledger.Kind kind) { return requestsByKind.getOrDefault(kind, 0L); }

  /** How many events of {@code type} the engine sent whose message says {@code text}. */
  long eventsSaying(LifecycleEvent.Type type, String text) {
    return events.stream().filter(e -> e.type() == type && e.message().contains(text)).count();
  }

  /** Whether people heard of trouble before any target served a bad certificate (true when there was no harm). */
  boolean warnedBeforeHarm() { return firstHarm == null || firstAlert != null && firstAlert.isBefore(firstHarm); }

  Optional<String> unavoidable() { return scenario.unavoidable().apply(profile); }

  private static long fewestOrders(World w) {
    long revokedInUse = 0;
    for (Ledger.Revocation r : w.ledger.revocations()) {
      for (String lineage : List.of(World.WWW, World.MEDIA)) {
        Optional<Ledger.Cert> inUse = w.ledger.certs().stream().filter(c -> c.lineage().equals(lineage))
            .filter(c -> c.notBefore().isBefore(r.announced())).reduce((a, b) -> b);
        revokedInUse += inUse.flatMap(w.ledger::revocation).filter(r::equals).isPresent() ? 1 : 0;
      }
    }
    return 2 * w.profile.fewestOrders(World.YEAR) + revokedInUse;
  }

  private static long[] requestsPerDay(World w) {
    long[] days = new long[(int) World.YEAR.toDays()];
    for (Ledger.Request r : w.ledger.requests()) {
      int day = (int) Duration.between(World.START, r.at()).toDays();
      if (day >= 0 && day < days.length) {
        days[day]++;
      }
    }
    return days;
  }

  private static Life life(World w, List<AgentProcess.Sent> sent, int processes, int restarts, List<String> crashes) {
    long fallbacks = w.ledger.certs().stream().filter(c -> c.ca().equals(w.secondary.name())).count();
    int outside = 0;
    int announced = 0;
    for (String id : w.windows.isEmpty() ? List.<String>of() : List.of("lb", "cdn", "nginx")) {
      for (Instant at : w.target(id).deploys()) {
        // The agent's clock judges its windows: one that is off moves them with it.
        if (!DeployWindow.anyOpen(w.windows, at.plus(w.agentOffsetAt(at)))) {
          outside++;
          announced += announcedOutside(sent, id, at) ? 1 : 0;
        }
      }
    }
    int steps = (int) w.clockSteps.stream().filter(c -> c.at().isBefore(w.end())).count();
    return new Life(processes, restarts, List.copyOf(crashes), steps, fallbacks, outside, announced);
  }

  /** Whether the engine said, when it deployed {@code target} at {@code at}, why it did so outside the window. */
  private static boolean announcedOutside(List<AgentProcess.Sent> sent, String target, Instant at) {
    return sent.stream().anyMatch(s -> !s.alert() && s.worldTime().equals(at)
        && s.event().type() == LifecycleEvent.Type.DEPLOY_DEFERRED && s.event().target().equals(Optional.of(target))
        && s.event().message().startsWith("deploying outside the maintenance window"));
  }
}
