package io.certferry.core.simulation;

import io.certferry.core.ReconcileReport;
import io.certferry.core.store.FileStore;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

  Simulation(World world, Path storeRoot, long seed) {
    this.world = world;
    this.storeRoot = storeRoot;
    this.seed = seed;
    this.agentClock = new AgentClock(world.clock);
  }

  /** The year, from the first start of the agent to its end. */
  RunResult run(Scenario scenario) throws InterruptedException {
    long began = System.nanoTime();
    Instant end = world.end();
    Instant nextRestart = world.restartEvery.map(World.START::plus).orElse(Instant.MAX);
    int step = 0;
    start();
    try {
      while (world.clock.instant().isBefore(end)) {
        Instant wake; // in the agent's clock
        try {
          passes++;
          ReconcileReport report = agent.pass();
          Instant floor = agentClock.instant().plus(MIN_PAUSE);
          wake = report.nextWakeUp().isBefore(floor) ? floor : report.nextWakeUp();
        } catch (CrashingStore.SimulatedCrash crash) {
          crashes.add(world.clock.instant() + " died " + armed);
          armed = null;
          agent.close();
          world.clock.advance(RESTART_AFTER_CRASH);
          start();
          continue;
        }
        while (true) {
          Instant wakeWorld = agentClock.worldTimeOf(wake);
          Instant stepAt = step < world.clockSteps.size() ? world.clockSteps.get(step).at() : Instant.MAX;
          Instant event = stepAt.isBefore(nextRestart) ? stepAt : nextRestart;
          if (event.isBefore(world.clock.instant())) {
            event = world.clock.instant(); // it fell due while the agent was down after a crash
          }
          if (!wakeWorld.isAfter(world.clock.instant())) {
            break; // the agent's clock stepped past the instant it waits for
          }
          if (!event.isBefore(wakeWorld)) {
            world.clock.set(wakeWorld.isBefore(end) ? wakeWorld : end);
            break;
          }
          if (!event.isBefore(end)) {
            world.clock.set(end);
            break;
          }
          world.clock.set(event);
          if (!stepAt.isAfter(event)) {
            agentClock.offset(world.clockSteps.get(step++).offset());
          } else {
            nextRestart = nextRestart.plus(world.restartEvery.orElseThrow());
            restart();
            break;
          }
        }
      }
    } finally {
      agent.close();
    }
    return RunResult.of(scenario, world, FileStore.open(storeRoot), sent, passes, processes, restarts, crashes,
        Duration.ofNanos(System.nanoTime() - began));
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
    agent = new AgentProcess(storeRoot, agentClock, world.clock, world.certificates(), seed * 1_000 + processes, armed,
        sent::add);
  }
}
