package io.certferry.core.simulation;

import io.certferry.core.ManagedCertificate;
import io.certferry.core.deploy.DeployTarget;
import io.certferry.core.deploy.DeployWindow;
import io.certferry.core.testing.MutableClock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one run simulates: the world (its clock, the CAs, the targets, the ledger) and how the agent is set
 * up and treated (fallback CA, maintenance windows, restarts, clock steps). A scenario changes it before
 * the run. The setup is the user's: {@code www} (two names) on a load balancer, a CDN and an nginx
 * frontend, and {@code media} on a second CDN endpoint.
 */
final class World {
  /** The simulated year starts here (a Monday; Toronto changes to daylight time on the 14th). */
  static final Instant START = Instant.parse("2027-03-01T00:00:00Z");
  static final Duration YEAR = Duration.ofDays(365);
  static final String WWW = "www";
  static final String MEDIA = "media";

  /** A step of the agent's clock: from {@code at} (world time) it is {@code offset} off. */
  record ClockStep(Instant at, Duration offset) {}

  final Profile profile;
  final MutableClock clock = new MutableClock(START);
  final Ledger ledger = new Ledger();
  final SimulatedCa primary;
  final SimulatedCa secondary;
  final Map<String, SimulatedTarget> targets = new LinkedHashMap<>();

  boolean fallback;
  List<DeployWindow> windows = List.of();
  Optional<Duration> restartEvery = Optional.empty();
  boolean crashMidPass;
  /**
   * How long a deploy may take, in real time, before the engine gives up on the target: short where a target
   * hangs (each hang costs it), generous elsewhere so that a loaded machine never times out an ordinary deploy
   * (which would make a run differ from the next).
   */
  Duration targetTimeout = Duration.ofSeconds(30);
  final List<ClockStep> clockSteps = new ArrayList<>();

  World(Profile profile) {
    this.profile = profile;
    Period validity = new Period(START.minus(Duration.ofDays(30)), START.plus(Duration.ofDays(800)));
    this.primary = new SimulatedCa("primary", clock, ledger, validity);
    this.secondary = new SimulatedCa("secondary", clock, ledger, validity);
    for (String id : List.of("lb", "cdn", "nginx", "media-cdn")) {
      targets.put(id, new SimulatedTarget(id, clock));
    }
  }

  SimulatedTarget target(String id) { return targets.get(id); }

  Instant end() { return START.plus(YEAR); }

  /** The certificates as the agent is configured with them. */
  List<ManagedCertificate> certificates() {
    List<DeployTarget> www = List.of(target("lb"), target("cdn"), target("nginx"));
    return List.of(certificate(WWW, List.of("www.example.test", "example.test"), www),
        certificate(MEDIA, List.of("media.example.test"), List.of(target("media-cdn"))));
  }

  private ManagedCertificate certificate(String name, List<String> names, List<DeployTarget> on) {
    ManagedCertificate.Builder b = ManagedCertificate.builder(name, names, "acme").issuer(primary)
        .options(Map.of("profile", profile.id())).targets(on);
    if (fallback) {
      b.fallbacks(List.of(secondary));
    }
    if (!windows.isEmpty() && name.equals(WWW)) {
      b.windows(ManagedCertificate.ALL_TARGETS, windows);
    }
    return b.build();
  }

  /** How far off the agent's clock is at world time {@code t}. */
  Duration agentOffsetAt(Instant t) {
    Duration offset = Duration.ZERO;
    for (ClockStep s : clockSteps) {
      if (!s.at().isAfter(t)) {
        offset = s.offset();
      }
    }
    return offset;
  }

  /** The largest offset the agent's clock ever has: the tolerance of "ordered before it was due". */
  Duration largestClockOffset() {
    return clockSteps.stream().map(s -> s.offset().abs()).max(Duration::compareTo).orElse(Duration.ZERO);
  }
}
