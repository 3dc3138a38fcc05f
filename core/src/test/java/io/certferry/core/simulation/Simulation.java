package io.certferry.core.simulation;

import io.certferry.core.ReconcileReport;
import io.certferry.core.store.FileStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Runs one {@link World} for a year as the agent would live it, as a discrete-event simulation: a pass
 * ({@code reconcile()}), then the clock jumps to the pass's {@code nextWakeUp} (never less than a second on,
 * as the agent's {@code ReconcileLoop} does), unless an event comes first: a restart of the agent (a new
 * process on the same store), or a step of the agent's clock. A process that died mid-pass is started again
 * 30 seconds later (the systemd unit's {@code RestartSec}). Nothing sleeps: a year takes seconds.
 */
final class Simulation {
  /** The agent's loop never wakes sooner than this after a pass ({@code ReconcileLoop.MIN_PAUSE}). */
  static final Duration MIN_PAUSE = Duration.ofSeconds(1);
  /** systemd's {@code RestartSec} in packaging/certferry.service. */
  static final Duration RESTART_AFTER_CRASH = Duration.ofSeconds(30);
  /** Where an agent dies mid-pass, in turn: before each write a renewal makes, and before the end-of-pass state. */
  static final List<CrashingStore.CrashPoint> CRASH_POINTS = List.of(
      new CrashingStore.CrashPoint("savePendingOrder", 1), new CrashingStore.CrashPoint("addVersion", 1),
      new CrashingStore.CrashPoint("clearPendingOrder", 1), new CrashingStore.CrashPoint("saveDeployments", 1),
      new CrashingStore.CrashPoint("saveDeployments", 2), new CrashingStore.CrashPoint("saveState", 1));

  private final World world;
  private final Path storeRoot;
  private final long seed;
  private final AgentClock agentClock;
  private final List<AgentProcess.Sent> sent = new CopyOnWriteArrayList<>();
  private final List<String> crashes = new ArrayList<>();
  private AgentProcess agent;
  private int processes;
  private int passes;
  private int restarts;
  private CrashingStore.CrashPoint armed;
  private Instant nextRestart;
  /** The next of the world's clock steps to make. */
  private int step;

  Simulation(World world, Path storeRoot, long seed) {
    this.world = world;
    this.storeRoot = storeRoot;
    this.seed = seed;
    this.agentClock = new AgentClock(world.clock);
  }

  /** The year, from the first start of the agent to its end. */
  RunResult run(Scenario scenario) throws InterruptedException {
    long began = System.nanoTime();
    nextRestart = world.restartEvery.map(World.START::plus).orElse(Instant.MAX);
    start();
    try {
      while (world.clock.instant().isBefore(world.end())) {
        Optional<Instant> wake = pass();
        if (wake.isPresent()) {
          waitUntil(wake.get());
        }
      }
    } finally {
      agent.close();
    }
    return RunResult.of(scenario, world, FileStore.open(storeRoot), sent, passes, processes, restarts, crashes,
        Duration.ofNanos(System.nanoTime() - began));
  }

  /**
   * One pass: when the agent wants to look again, by its own clock (never less than a second on); empty when the
   * process died in it, and a new one has been started after systemd's pause.
   */
  private Optional<Instant> pass() throws InterruptedException {
    passes++;
    try {
      ReconcileReport report = agent.pass();
      Instant floor = agentClock.instant().plus(MIN_PAUSE);
      return Optional.of(report.nextWakeUp().isBefore(floor) ? floor : report.nextWakeUp());
    } catch (CrashingStore.SimulatedCrash crash) {
      crashes.add(world.clock.instant() + " died " + armed);
      armed = null;
      agent.close();
      world.clock.advance(RESTART_AFTER_CRASH);
      start();
      return Optional.empty();
    }
  }

  /**
   * Moves the world on to the agent's next pass: when its clock reads {@code wake}, or at a planned restart if that
   * comes first. A step of its clock on the way moves the world instant that {@code wake} falls on.
   */
  private void waitUntil(Instant wake) throws InterruptedException {
    while (true) {
      Instant now = world.clock.instant();
      Instant wakeWorld = agentClock.worldTimeOf(wake);
      if (!wakeWorld.isAfter(now)) {
        return; // the agent's clock stepped past the instant it waits for
      }
      Instant stepAt = step < world.clockSteps.size() ? world.clockSteps.get(step).at() : Instant.MAX;
      Instant event = stepAt.isBefore(nextRestart) ? stepAt : nextRestart;
      event = event.isBefore(now) ? now : event; // it fell due while the agent was down after a death
      Instant end = world.end();
      if (!event.isBefore(wakeWorld) || !event.isBefore(end)) {
        world.clock.set(wakeWorld.isBefore(end) ? wakeWorld : end);
        return;
      }
      world.clock.set(event);
      if (!stepAt.isAfter(event)) {
        agentClock.offset(world.clockSteps.get(step++).offset());
      } else {
        nextRestart = nextRestart.plus(world.restartEvery.orElseThrow());
        restart();
        return;
      }
    }
  }

  /** A planned restart (an upgrade, a reboot); every second one arms a crash mid-pass when the scenario wants them. */
  private void restart() throws InterruptedException {
    restarts++;
    if (world.crashMidPass && armed == null && restarts % 2 == 0) {
      armed = CRASH_POINTS.get(crashes.size() % CRASH_POINTS.size());
    }
    agent.close();
    start();
  }

  private void start() {
    processes++;
    agent = new AgentProcess(storeRoot, agentClock, world.clock, world.certificates(), world.targetTimeout, seed * 1_000 + processes, armed,
        sent::add);
  }
}
